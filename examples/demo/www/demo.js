// The demo client: a WebSocket to /ws/ on the same host; backend lines are shown as they arrive.
'use strict';
const log = document.getElementById('log');
const status = document.getElementById('status');
const input = document.getElementById('line');
const button = document.getElementById('send');

function show(text, cls) {
  const span = document.createElement('span');
  if (cls) span.className = cls;
  span.textContent = text;
  log.appendChild(span);
}

const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/';
const ws = new WebSocket(url);
ws.onopen = () => {
  status.textContent = 'connected';
  input.disabled = false;
  button.disabled = false;
  input.focus();
};
ws.onmessage = (event) => show(String(event.data));
ws.onclose = (event) => {
  status.textContent = `closed (code ${event.code})`;
  input.disabled = true;
  button.disabled = true;
};
ws.onerror = () => {
  status.textContent = 'error';
};
document.getElementById('form').addEventListener('submit', (event) => {
  event.preventDefault();
  if (ws.readyState !== WebSocket.OPEN) return;
  show(`> ${input.value}\n`, 'out');
  ws.send(`${input.value}\n`);
  input.value = '';
});
