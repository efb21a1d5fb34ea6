"""OpenID Connect sign-in: tokens of the configured provider accepted as bearer tokens,
and the browser's sign-in (authorisation code with PKCE) for GraphiQL (docs/auth.md)."""
