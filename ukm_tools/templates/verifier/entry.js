// The verification page's signature check, bundled at build time (make verifier) into one
// script that ukm_tools.course.verify_page inlines: audited @noble/ed25519 with @noble/hashes'
// SHA-512, so the page needs neither a network nor the browser's own Ed25519 support; and
// @noble/hashes' SHA-256 for a retired key's list of the codes it issued (no WebCrypto: it is
// missing on pages opened from file:// or plain http, and asynchronous).
import * as ed from "@noble/ed25519";
import { sha256, sha512 } from "@noble/hashes/sha2.js";

ed.hashes.sha512 = sha512;

window.ukmVerifyEd25519 = function (signature, message, publicKey) {
  try {
    return ed.verify(signature, message, publicKey);
  } catch (e) {
    return false;
  }
};

window.ukmSha256 = function (bytes) {
  return sha256(bytes);
};
