// sanctiongraph API console: GraphiQL (vendored, see graph/console/README.md)
// talking to this origin's /graphql. No inline script, no remote request.
(function start() {
  'use strict';
  const root = document.getElementById('console');
  const endpoint = new URL(root.dataset.endpoint || '/graphql', document.baseURI).href;
  if (!window.React || !window.ReactDOM || !window.GraphiQL) {
    const p = document.createElement('p');
    p.className = 'console-failed';
    p.textContent = `The console's scripts did not load; the API is still at ${endpoint}.`;
    root.replaceChildren(p);
    return;
  }
  const fetcher = window.GraphiQL.createFetcher({ url: endpoint });
  const defaultQuery = `# sanctiongraph: a graph of sanctions relationships with the evidence
# behind every fact. Press Ctrl-Enter (or the ▶ button) to run a query;
# the Docs button lists every type and field.

{
  search(query: "Kim Jong-un", first: 3) {
    edges { matchedName node { id kind name } }
  }
}
`;
  window.ReactDOM.createRoot(root).render(window.React.createElement(window.GraphiQL, {
    fetcher,
    defaultQuery,
    defaultEditorToolsVisibility: true,
    shouldPersistHeaders: false,
  }));
  document.body.dataset.ready = 'true';
}());
