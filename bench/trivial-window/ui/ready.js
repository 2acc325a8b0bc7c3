// Laid out before the mark, as the app's list is when it marks (it measures a row): the first
// layout (and the fonts it loads) counts for both.
document.body.getBoundingClientRect();
performance.mark('tianbao-ready');
document.body.dataset.ready = 'true';
