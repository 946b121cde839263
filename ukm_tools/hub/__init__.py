"""The workshop server: JupyterHub with accounts from the roster, login cards and isolated participants.

Layering (DESIGN.md): this package sits beside :mod:`ukm_tools.course` and may use it; the
domain core never imports it. ``deploy/jupyterhub_config.py`` is the hub's configuration and
reads every setting from :mod:`.settings`; the modules here hold the logic it names:

- :mod:`.settings`    every hub setting, declared once, read from ``UKM_HUB_*`` variables
- :mod:`.codes`       login codes: generation (>= 40 bits), normalisation, argon2 hashes
- :mod:`.accounts`    the account store (codes, validity window, per-account throttling)
- :mod:`.sysusers`    one system user per participant and staff member (useradd/userdel)
- :mod:`.isolation`   ownership and modes of the course folder, the exchange and the homes
- :mod:`.exchange`    nbgrader submit that keeps a submission private to its owner and the course
- :mod:`.cards`       login cards as a PDF, several per A4 sheet
- :mod:`.provision`   accounts from the roster: system users, codes, parameter files, cards
- :mod:`.auth`        the JupyterHub authenticator that checks card codes
- :mod:`.service`     base handlers for hub services with hub OAuth (staff pages; the portal next)
- :mod:`.staff`       the staff pages service (status per assignment, Excel export)
- :mod:`.launch`      `ukm serve`: preparing the machine, starting the hub, the LAN address and QR
"""
