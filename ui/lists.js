// Editing ordered lists of a case (典型做法, 推荐表图片): one way to move an item. Free of the DOM.

/**
 * Moves `list[i]` one place up (dir = -1) or down (dir = +1), in place. Returns the item's new
 * index, or -1 when it cannot move (first up, last down, no such item).
 */
export function reorderList(list, i, dir) {
  const j = i + dir;
  if (!Array.isArray(list) || i < 0 || i >= list.length || j < 0 || j >= list.length) return -1;
  [list[i], list[j]] = [list[j], list[i]];
  return j;
}
