"""Browser end-to-end tests (Playwright + Debian Chromium). Not a Django app."""
