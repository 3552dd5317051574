// Shared by the hub's pages: a DOM helper, sign-in with the authorization-code flow and PKCE
// through the hub's own authorization server, and GraphQL calls with the person's token.
// Each page loads this before its own script; CONFIG is the page's JSON config element.
"use strict";

const Hub = (() => {
  const CONFIG = JSON.parse(document.getElementById("config").textContent);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
      else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v);
    }
    for (const c of children) {
      if (c === null || c === undefined) continue;
      node.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return node;
  }

  function b64url(bytes) {
    return btoa(String.fromCharCode(...new Uint8Array(bytes)))
      .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function randomText() {
    return b64url(crypto.getRandomValues(new Uint8Array(32)));
  }

  // `store` keeps the token: sessionStorage (the explorer) or localStorage (the field app, which
  // must survive the phone closing the tab while offline). `onExpired` is what a 401 does: by
  // default sign out; the explorer signs in again instead, keeping its scene and purpose.
  function session(store, { onExpired } = {}) {
    async function signIn() {
      const verifier = randomText();
      const state = randomText();
      store.setItem("pkce", JSON.stringify({ verifier, state, lang: CONFIG.lang }));
      const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
      const query = new URLSearchParams({
        response_type: "code", client_id: CONFIG.clientId, redirect_uri: CONFIG.redirectUri,
        scope: CONFIG.scope, state, code_challenge: b64url(digest), code_challenge_method: "S256",
        lang: CONFIG.lang,
      });
      window.location.assign(CONFIG.authorize + "?" + query);
    }

    async function finishSignIn(params) {
      const saved = JSON.parse(store.getItem("pkce") || "{}");
      store.removeItem("pkce");
      window.history.replaceState(null, "", window.location.pathname + "?lang=" + CONFIG.lang);
      if (!saved.state || saved.state !== params.get("state")) throw new Error("state mismatch");
      const response = await fetch(CONFIG.token, {
        method: "POST",
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({
          grant_type: "authorization_code", code: params.get("code"), client_id: CONFIG.clientId,
          redirect_uri: CONFIG.redirectUri, code_verifier: saved.verifier,
        }),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(body.error_description || body.error);
      store.setItem("token", body.access_token);
      // Back in the language the person signed in from (the redirect URI carries none).
      if (saved.lang && saved.lang !== CONFIG.lang) {
        window.location.replace(window.location.pathname + "?lang=" + saved.lang);
        await new Promise(() => {});
      }
    }

    function signOut() {
      store.removeItem("token");
      store.removeItem("purpose");
      store.removeItem("scene");
      store.removeItem("case");
      window.location.assign(window.location.pathname + "?lang=" + CONFIG.lang);
    }

    // A GraphQL call with the token; a 401 signs out. Errors keep the API's extensions.code;
    // `retry` is set when the call may be sent again as it is (no network, 429, 5xx).
    async function gql(query, variables) {
      let response;
      try {
        response = await fetch("/graphql", {
          method: "POST",
          headers: {
            "Content-Type": "application/json", Authorization: "Bearer " + store.getItem("token"),
          },
          body: JSON.stringify({ query, variables }),
        });
      } catch (cause) {
        const error = new Error("network: " + cause.message);
        error.retry = true;
        throw error;
      }
      if (response.status === 401) { (onExpired || signOut)(); throw new Error("401"); }
      if (response.status === 429 || response.status >= 500) {
        const error = new Error("HTTP " + response.status);
        error.retry = true;
        throw error;
      }
      const body = await response.json();
      if (body.errors && body.errors.length) {
        const error = new Error(body.errors[0].message);
        error.code = (body.errors[0].extensions || {}).code;
        throw error;
      }
      return body.data;
    }

    return { signIn, finishSignIn, signOut, gql, signedIn: () => !!store.getItem("token") };
  }

  return { CONFIG, T: CONFIG.text, el, session };
})();
