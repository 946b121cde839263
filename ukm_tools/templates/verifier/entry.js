// The verification page's signature check, bundled at build time (make verifier) into one
// script that ukm_tools.course.verify_page inlines: audited @noble/ed25519 with @noble/hashes'
// SHA-512, so the page needs neither a network nor the browser's own Ed25519 support.
import * as ed from "@noble/ed25519";
import { sha512 } from "@noble/hashes/sha2.js";

ed.hashes.sha512 = sha512;

window.ukmVerifyEd25519 = function (signature, message, publicKey) {
  try {
    return ed.verify(signature, message, publicKey);
  } catch (e) {
    return false;
  }
};
