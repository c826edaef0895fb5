// The REST baseline: a bare node:http server answering fixed bytes per path (captured from the
// operator's own answers), with the operator's status and content type, and nothing else.
// Usage: node --import tsx bench/bare-server.ts <port> <routes.json>; routes.json is
// [{ "path", "file", "contentType" }]; /readyz answers 200, other paths 404.
import { readFileSync } from 'node:fs';
import http from 'node:http';

interface Route {
  path: string;
  file: string;
  contentType: string;
}

const [portText, routesFile] = process.argv.slice(2);
if (portText === undefined || routesFile === undefined) {
  process.stderr.write('usage: bare-server.ts <port> <routes.json>\n');
  process.exit(2);
}
const routes = new Map<string, { body: Buffer; contentType: string }>();
for (const r of JSON.parse(readFileSync(routesFile, 'utf8')) as Route[]) {
  routes.set(r.path, { body: readFileSync(r.file), contentType: r.contentType });
}

const server = http.createServer((req, res) => {
  if (req.url === '/readyz') {
    res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
    return;
  }
  const route = routes.get(req.url ?? '');
  if (route === undefined) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'Content-Type': route.contentType, 'Content-Length': route.body.length });
  res.end(route.body);
});
server.listen(Number(portText), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
