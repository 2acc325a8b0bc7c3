performance.mark('tianbao-ready');
document.body.dataset.ready = 'true';
