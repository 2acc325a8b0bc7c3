// Start-up and switching between the case list and the editor.

import { api } from './api.js';
import { $, toast } from './dom.js';
import { createList } from './list.js';
import { createEditor } from './editor.js';
import { errorText } from './format.js';

function show(view) {
  for (const id of ['fatal', 'list-view', 'editor-view']) $(`#${id}`).hidden = id !== view;
  document.body.dataset.view = view;
}

function fatal(message, path) {
  $('#fatal-msg').textContent = message;
  $('#fatal-path').textContent = path || '（未知）';
  show('fatal');
}

async function main() {
  let info;
  try {
    info = await api.appInfo();
  } catch (e) {
    fatal(errorText(e), '');
    return;
  }
  const c = info.campaign;
  $('#campaign').textContent = `${c.activity_name} · 报送截止 ${c.deadline}`;
  $('#db-path').textContent = info.db_path ? `数据文件：${info.db_path}` : '';
  $('#db-path').title = '请定期备份此文件';
  if (info.store_error) {
    fatal(info.store_error, info.db_path);
    $('#office').hidden = true;
    return;
  }
  setOffice(info.identity);

  const editor = createEditor({
    info,
    onBack: () => {
      show('list-view');
      list.refresh(lastOpened);
    },
  });
  let lastOpened = null;
  const list = createList({
    onOpen: async (id, fresh) => {
      try {
        const kase = fresh || (await api.getCase(id));
        lastOpened = id;
        show('editor-view');
        await editor.open(kase);
      } catch (e) {
        toast(errorText(e), { error: true });
      }
    },
  });

  document.addEventListener('keydown', (e) => {
    if (document.body.dataset.view !== 'list-view') return;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'n') {
      e.preventDefault();
      $('#new-case').click();
    } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
      e.preventDefault();
      $('#search').focus();
    }
  });

  $('#office-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      setOffice(await api.setOffice($('#office-input').value.trim()));
      $('#office').open = false;
      toast('已保存填报单位');
    } catch (err) {
      toast(errorText(err), { error: true });
    }
  });

  // Closing the window (the × button, Alt+F4, the system shutting down the session) first saves
  // what was typed. If that save fails the window stays open once, with the error shown.
  const win = window.__TAURI__?.window?.getCurrentWindow?.();
  let warned = false;
  if (win) {
    await win.onCloseRequested(async (event) => {
      const ok = await editor.flush({ force: true });
      if (!ok && !warned) {
        warned = true;
        event.preventDefault();
        toast('内容没能保存（见上方提示）。再次关闭窗口将放弃未保存的内容。', { error: true, ms: 15000 });
      }
    });
  }

  show('list-view');
  await list.refresh();
  $('#search').focus();
  document.body.dataset.ready = 'true';
  performance.mark('tianbao-ready'); // read by scripts/bench_app.py (launch → list shown)
}

function setOffice(identity) {
  const office = identity && identity.office ? identity.office : '';
  $('#office-label').textContent = `填报单位：${office || '未设置'}`;
  $('#office-input').value = office;
  if (identity && identity.device) $('#office-label').title = `本机标识：${identity.device}`;
}

main();
