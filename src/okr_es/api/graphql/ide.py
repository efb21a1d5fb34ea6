"""The GraphiQL page served on GET ``/graphql``: strawberry's page, with GraphiQL and React
loaded from the package's own ``/static`` files instead of a CDN (see ``ui_assets``).

Queries go to the page's own URL over HTTP and subscriptions to the same URL over a
websocket (graphql-transport-ws); GraphiQL sends the headers typed into its headers pane
({"Authorization": "Bearer …"}) with each HTTP request and as the websocket's
connection_init payload, which is where the server reads the token.
"""

from __future__ import annotations

from html import escape

from okr_es.api.ui_assets import GRAPHIQL, REACT, REACT_DOM

_PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>okr-es GraphiQL</title>
    <link rel="icon" href="data:," />
    <link rel="stylesheet" href="{graphiql_css}" />
    <style>
      body {{ height: 100%; margin: 0; width: 100%; overflow: hidden; }}
      #graphiql {{ height: 100vh; display: flex; }}
    </style>
    <script src="{react}"></script>
    <script src="{react_dom}"></script>
    <script src="{graphiql_js}"></script>
  </head>
  <body>
    <div id="graphiql" class="graphiql-container">Loading…</div>
    <script>
      // ?q=…&variables=…&operationName=… fill the editors, and follow their edits, so a
      // page's URL can be shared ("query" itself would make GET /graphql run the query).
      // Headers (tokens) never go into the URL.
      const parameters = Object.fromEntries(new URLSearchParams(window.location.search));

      function updateURL(changes) {{
        Object.assign(parameters, changes);
        const search = new URLSearchParams(
          Object.entries(parameters).filter(([, value]) => Boolean(value))
        );
        history.replaceState(null, "", "?" + search.toString());
      }}

      const url = window.location.href.split("?")[0].split("#")[0];
      const subscriptionUrl = url.replace(/^http/, "ws");
      const fetcher = GraphiQL.createFetcher({{ url, subscriptionUrl }});

      function OkrGraphiQL() {{
        return React.createElement(GraphiQL, {{
          fetcher,
          query: parameters.q,
          variables: parameters.variables,
          operationName: parameters.operationName,
          onEditQuery: (q) => updateURL({{ q }}),
          onEditVariables: (variables) => updateURL({{ variables }}),
          onEditOperationName: (operationName) => updateURL({{ operationName }}),
          defaultEditorToolsVisibility: true,
          isHeadersEditorEnabled: true,
          shouldPersistHeaders: true,
          inputValueDeprecation: true,
        }});
      }}

      ReactDOM.createRoot(document.getElementById("graphiql")).render(
        React.createElement(OkrGraphiQL)
      );
    </script>
  </body>
</html>
"""


def graphiql_page() -> str:
    """The HTML of the GraphiQL page; every script and style it loads is same-origin."""
    return _PAGE.format(
        graphiql_css=escape(GRAPHIQL.url("graphiql.min.css")),
        graphiql_js=escape(GRAPHIQL.url("graphiql.min.js")),
        react=escape(REACT.url("react.production.min.js")),
        react_dom=escape(REACT_DOM.url("react-dom.production.min.js")),
    )
