// A tiny dev server: try "start the dev server in the background and tell me when it is ready".
const http = require('node:http');

const port = Number(process.env.PORT || 5173);
const server = http.createServer((request, response) => {
	response.writeHead(200, { 'content-type': 'text/html' });
	response.end('<h1>Hello from the sample app</h1>');
	console.log(`${new Date().toISOString()} ${request.method} ${request.url}`);
});
server.listen(port, '127.0.0.1', () => console.log(`ready on http://127.0.0.1:${port}`));
