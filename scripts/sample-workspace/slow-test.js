// A slow test suite with one failure at the end, where real test runners print their errors.
const cases = ['parses input', 'formats output', 'handles empty files', 'rounds totals'];
let index = 0;
const timer = setInterval(() => {
	const name = cases[index++];
	if (name === 'rounds totals') {
		console.log(`✗ ${name}`);
		console.error('AssertionError: expected 10.01 to equal 10 (slow-test.js:12)');
		clearInterval(timer);
		process.exitCode = 1;
		return;
	}
	console.log(`✓ ${name}`);
}, 1500);
