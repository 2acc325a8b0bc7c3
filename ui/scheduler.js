// Autosave and live-validation scheduling, free of the DOM so it can be tested with node --test.
//
// Rules (issue 2): save ~500 ms after the last input; never while an IME composition is in
// progress (the pinyin being composed is not text yet); save at once on blur, on the window
// being hidden and before unload; never two saves at the same time (a save started while one is
// in flight waits for it and then sends the newest state); after a failed save, retry.

/**
 * @param {object} o
 * @param {() => Promise<any>} o.save   sends the current state, resolves with the store's answer
 * @param {(state: 'saving'|'saved'|'error', detail?: any) => void} [o.onState]
 * @param {number} [o.delay]            debounce after the last input, ms
 * @param {number} [o.retryDelay]       after a failed save, ms
 * @param {(fn: () => void, ms: number) => any} [o.setTimer]
 * @param {(t: any) => void} [o.clearTimer]
 */
export function createAutosave({
  save,
  onState = () => {},
  delay = 500,
  retryDelay = 3000,
  setTimer = (fn, ms) => setTimeout(fn, ms),
  clearTimer = (t) => clearTimeout(t),
}) {
  let dirty = false;
  let composing = false;
  let timer = null;
  let inflight = null;

  function cancel() {
    if (timer !== null) {
      clearTimer(timer);
      timer = null;
    }
  }

  function schedule(ms = delay) {
    cancel();
    if (composing || !dirty) return;
    timer = setTimer(() => {
      timer = null;
      saveNow(false);
    }, ms);
  }

  // Resolves true when everything typed so far is saved (or there was nothing to save).
  async function saveNow(force) {
    while (inflight) {
      await inflight.catch(() => {});
    }
    if (!dirty) return true;
    if (composing && !force) return false;
    cancel();
    dirty = false;
    onState('saving');
    const p = Promise.resolve().then(save);
    inflight = p;
    try {
      const result = await p;
      onState('saved', result);
      return !dirty;
    } catch (e) {
      dirty = true;
      onState('error', e);
      schedule(retryDelay);
      return false;
    } finally {
      if (inflight === p) inflight = null;
    }
  }

  return {
    /** The user changed something (an input event). */
    input() {
      dirty = true;
      schedule();
    },
    compositionStart() {
      composing = true;
      cancel();
    },
    compositionEnd() {
      composing = false;
      dirty = true;
      schedule();
    },
    /**
     * Save now (blur, Ctrl+S, leaving the editor). While composing it waits for the composition
     * unless `force` (the window is going away: better the pinyin too than nothing).
     */
    flush({ force = false } = {}) {
      cancel();
      return saveNow(force);
    },
    /** Forget pending work (the case was closed after a final flush). */
    reset() {
      cancel();
      dirty = false;
      composing = false;
    },
    get dirty() {
      return dirty;
    },
    get composing() {
      return composing;
    },
    get saving() {
      return inflight !== null;
    },
    get scheduled() {
      return timer !== null;
    },
  };
}

/**
 * Runs `task` so that at most one run is in flight and the last trigger always gets a run that
 * starts after it (live validation on every keystroke: intermediate states may be skipped, the
 * newest never is).
 * @param {() => Promise<any>} task
 * @param {(result: any) => void} onResult
 * @param {(error: any) => void} [onError]
 */
export function createLatest(task, onResult, onError = () => {}) {
  let running = false;
  let again = false;
  let idle = Promise.resolve();
  return {
    trigger() {
      if (running) {
        again = true;
        return idle;
      }
      running = true;
      idle = (async () => {
        try {
          do {
            again = false;
            try {
              onResult(await task());
            } catch (e) {
              onError(e);
            }
          } while (again);
        } finally {
          running = false;
        }
      })();
      return idle;
    },
    get running() {
      return running;
    },
  };
}
