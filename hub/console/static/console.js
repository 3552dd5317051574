// The console: GraphiQL from the hub's own npm install, signed in with the hub's PKCE flow
// (hub.js); every request GraphiQL sends carries the person's token, so the schema and the
// answers are those of the person's own role.
"use strict";

const { CONFIG, T, el } = Hub;
const store = window.sessionStorage;
const { signIn, finishSignIn, signOut, gql } = Hub.session(store);
const account = document.getElementById("account");
const app = document.getElementById("graphiql");

function render(token) {
  const fetcher = GraphiQL.createFetcher({
    url: "/graphql",
    headers: { Authorization: "Bearer " + token },
  });
  ReactDOM.createRoot(app).render(React.createElement(GraphiQL, {
    fetcher,
    defaultQuery: "# " + T.heading + "\n{\n  me {\n    subject\n    role\n    scopes\n  }\n}\n",
    shouldPersistHeaders: false,
  }));
}

async function main() {
  const params = new URLSearchParams(window.location.search);
  if (!CONFIG.clientId) { app.replaceChildren(el("p", { class: "error" }, T.no_client)); return; }
  try {
    if (params.has("code")) await finishSignIn(params);
  } catch (err) { account.replaceChildren(el("p", { class: "error" }, T.error + err.message)); }
  const token = store.getItem("token");
  if (!token) {
    account.replaceChildren(el("button", { id: "sign-in", onclick: signIn }, T.sign_in));
    app.replaceChildren(el("p", { id: "signed-out" }, T.signed_out));
    return;
  }
  try {
    const me = (await gql("{ me { subject role } }", {})).me;
    account.replaceChildren(T.signed_in_as + me.subject + " (" + me.role + ") ",
      el("button", { id: "sign-out", onclick: signOut }, T.sign_out));
  } catch (err) { account.replaceChildren(el("p", { class: "error" }, T.error + err.message)); }
  render(token);
}

main();
