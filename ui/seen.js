// Which validation issues the clerk sees beside the fields. A new case is not a wall of red:
// a field's issues show once the clerk has left it (or changed a select or checkbox), and all
// of them once 标记为完成 was pressed; while a field is being typed in again, its issues wait
// until it is left ("199" on the way to "1990" is not an error yet). Issues about an attached
// file show as soon as the file is there. The summary counts every issue regardless. Free of the DOM.

const SLOT = /^media\.(photo|id_front|id_back)$/;

export function createSeen() {
  let left = new Set();
  let all = false;

  const touched = (prefix) => {
    for (const p of left) if (p === prefix || p.startsWith(prefix + '.')) return true;
    return false;
  };

  return {
    /** The clerk left the field `path` (or chose a value in it). */
    leave(path) {
      if (path) left.add(path);
    },
    /** The clerk is typing in `path` again: its issues wait until it is left. */
    edit(path) {
      if (path) left.delete(path);
    },
    /** 标记为完成 was pressed: every issue shows from now on (for this case). */
    showAll() {
      all = true;
    },
    get all() {
      return all;
    },
    reset() {
      left = new Set();
      all = false;
    },
    /**
     * Whether the issues of `field` show now. `kase` tells whether an attachment slot holds a
     * file (its check's findings show at once; "not added yet" waits for 标记为完成).
     */
    shows(field, kase) {
      if (all) return true;
      if (SLOT.test(field)) return Boolean(kase && kase.media && kase.media[field.slice(6)]);
      if (field.startsWith('media.pictures') || field === 'media.video.check') return true;
      if (field === 'intro') return true; // over the limit: the counter is red too
      return touched(field);
    },
  };
}
