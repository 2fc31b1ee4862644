// A build that takes a while and prints progress.
let step = 0;
const timer = setInterval(() => {
	step += 10;
	console.log(`building… ${step}%`);
	if (step >= 100) {
		clearInterval(timer);
		console.log('build finished: dist/app.js (12.3 kB)');
	}
}, 800);
