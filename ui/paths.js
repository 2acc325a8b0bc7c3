// Reading and writing a case by the JSON path the validator uses for its issues
// ("person.name", "practices.0.text"): one name for the input, the model and the messages.

export function getPath(obj, path) {
  let cur = obj;
  for (const key of path.split('.')) {
    if (cur == null) return undefined;
    cur = cur[/^\d+$/.test(key) ? Number(key) : key];
  }
  return cur;
}

export function setPath(obj, path, value) {
  const keys = path.split('.');
  let cur = obj;
  for (let i = 0; i < keys.length - 1; i++) {
    const k = /^\d+$/.test(keys[i]) ? Number(keys[i]) : keys[i];
    if (cur[k] == null || typeof cur[k] !== 'object') {
      cur[k] = /^\d+$/.test(keys[i + 1]) ? [] : {};
    }
    cur = cur[k];
  }
  const last = keys[keys.length - 1];
  cur[/^\d+$/.test(last) ? Number(last) : last] = value;
  return obj;
}
