"""The hub's pages for people (/explorer, /check, /field): what they share lives in
hub/pages/common.py (headers, the npm assets, the config element, the sign-in client) and
hub/pages/static/hub.js (sign-in with PKCE and GraphQL calls in the browser)."""
