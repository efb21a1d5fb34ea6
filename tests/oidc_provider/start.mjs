// A local OpenID provider for okr-es's sign-in tests: oauth2-mock-server (real RS256
// signatures, discovery, JWKS, the authorisation code flow with PKCE) on PORT, and a small
// control API on CONTROL_PORT through which a test sets who signs in, gets tokens with
// chosen claims and rotates the signing key. Prints "ready" when both listen.
import http from "node:http";
import { OAuth2Server } from "oauth2-mock-server";

const [port, controlPort] = process.argv.slice(2).map(Number);
const host = "127.0.0.1";
const server = new OAuth2Server();
let current = await server.issuer.keys.generate("RS256");
// Claims of the person who signs in at /authorize next (their ID and access tokens).
let person = {};

server.service.on("beforeTokenSigning", (token) => {
  Object.assign(token.payload, person);
});

function read(request) {
  return new Promise((resolve, reject) => {
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => resolve(body ? JSON.parse(body) : {}));
    request.on("error", reject);
  });
}

const control = http.createServer(async (request, response) => {
  try {
    const body = await read(request);
    let answer = {};
    if (request.url === "/person") {
      person = body;
    } else if (request.url === "/token") {
      // A token with the given claims, signed with the current key (or body.kid's).
      const kid = body.kid ?? current.kid;
      const token = await server.issuer.buildToken({
        kid,
        expiresIn: body.expires_in ?? 3600,
        scopesOrTransform: (_header, payload) => Object.assign(payload, body.claims ?? {}),
      });
      answer = { token };
    } else if (request.url === "/rotate") {
      current = await server.issuer.keys.generate("RS256");
      answer = { kid: current.kid };
    } else {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { "Content-Type": "application/json" });
    response.end(JSON.stringify(answer));
  } catch (error) {
    response.writeHead(500, { "Content-Type": "text/plain" }).end(String(error));
  }
});

await server.start(port, host);
await new Promise((resolve) => control.listen(controlPort, host, resolve));
console.log(`ready ${server.issuer.url}`);

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, async () => {
    control.close();
    await server.stop();
    process.exit(0);
  });
}
