"""The door (AUTH-1, AUTH-2): sign-in throttling, idle sessions, the
second factor and the school's CAS. The middleware that enforces the idle
time and the second factor lives in ``contratpro.middleware``."""
