// diemcau join page: a hall joins the conference from a browser. The gateway offers (docs/protocol.md);
// this page answers with its camera and microphone and shows the composed picture.
'use strict';

const TEXT = {
  vi: {
    title: 'Hội nghị trực tuyến',
    intro: 'Chọn điểm cầu của hội trường, nhập mã truy cập rồi bấm “Vào hội nghị”.',
    siteLabel: 'Điểm cầu',
    tokenLabel: 'Mã truy cập',
    remember: 'Nhớ mã cho đến khi đóng thẻ trình duyệt này',
    join: 'Vào hội nghị',
    leave: 'Rời hội nghị',
    langSwitch: 'English',
    loadingSites: 'Đang tải danh sách điểm cầu…',
    pickSite: '— Chọn điểm cầu —',
    inMeeting: '(đang họp)',
    sitesFailed: 'Không tải được danh sách điểm cầu từ cổng hội nghị. Kiểm tra mạng rồi tải lại trang.',
    needSite: 'Hãy chọn điểm cầu.',
    needToken: 'Hãy nhập mã truy cập của điểm cầu.',
    micOff: 'Tắt micrô',
    micOn: 'Bật micrô',
    camOff: 'Tắt camera',
    camOn: 'Bật camera',
    fullscreen: 'Toàn màn hình',
    exitFullscreen: 'Thoát toàn màn hình',
    handUp: 'Đăng ký phát biểu',
    handDown: 'Hủy đăng ký phát biểu',
    floorChair: 'Chủ trì đang điều hành',
    floorSite: 'Đang phát biểu: {name}',
    floorTimed: 'Đang phát biểu: {name} — còn {m}:{ss}',
    handPlace: 'Bạn đã đăng ký phát biểu: vị trí {n}',
    whoAmI: 'Điểm cầu: {name}',
    chairSites: 'Các điểm cầu',
    sitePresent: 'có mặt',
    siteAbsent: 'vắng',
    callSite: 'Gọi',
    calling: 'Đang gọi…',
    callAgain: 'Gọi lại',
    callFailed: 'Gọi không được',
    // The hall's link as the gateway measures it: picture tier (1 = full), loss, round trip.
    linkLine: 'hình mức {tier}, mất {loss} % gói, trễ {rtt} ms',
    callAll: 'Gọi tất cả',
    errNotDialable: 'Cổng hội nghị không gọi được thiết bị của điểm cầu này (chưa khai báo địa chỉ SIP, hoặc SIP đang tắt).',
    present: 'Đang họp: {n} điểm cầu',
    stConnecting: 'Đang kết nối tới cổng hội nghị…',
    stJoining: 'Đang vào hội nghị…',
    stNegotiating: 'Đang thiết lập hình và tiếng…',
    stConnected: 'Đã kết nối',
    stMediaDisconnected: 'Đường truyền hình/tiếng đang chập chờn…',
    stReconnecting: 'Mất kết nối. Tự động vào lại sau {s} giây…',
    stLeft: 'Đã rời hội nghị.',
    errBadToken: 'Mã truy cập không đúng với điểm cầu này. Kiểm tra lại mã rồi thử lại.',
    errUnknownSite: 'Cổng hội nghị không có điểm cầu này. Tải lại trang để lấy danh sách mới.',
    errProtocol: 'Trang này không cùng phiên bản với cổng hội nghị. Tải lại trang.',
    errLocked: 'Chủ tọa đang khóa hội nghị, chưa thể vào lúc này. Hãy liên hệ chủ tọa.',
    errInternal: 'Cổng hội nghị gặp lỗi khi thiết lập phiên họp. Thử lại sau ít phút hoặc báo kỹ thuật viên.',
    errOther: 'Cổng hội nghị từ chối ({code}): {message}',
    errBadSdp: 'Cổng hội nghị không nhận được phần thiết lập hình/tiếng của trình duyệt này.',
    byeReplaced: 'Điểm cầu này vừa được kết nối ở nơi khác, nên trang này đã thoát.',
    byeRemoved: 'Kỹ thuật viên đã đưa điểm cầu ra khỏi hội nghị.',
    byeOther: 'Cổng hội nghị đã kết thúc phiên ({reason}).',
    mediaInsecure: 'Trình duyệt chỉ cho dùng camera và micrô khi trang mở bằng https. Hội trường vẫn xem và nghe được; để phát hình và tiếng, hãy mở địa chỉ https của cổng hội nghị.',
    mediaDenied: 'Trình duyệt không cho dùng camera hoặc micrô ({reason}). Hội trường vẫn xem và nghe được hội nghị.',
    noWebrtc: 'Trình duyệt này không hỗ trợ WebRTC. Hãy dùng Chromium, Chrome, Edge hoặc Firefox bản mới.',
  },
  en: {
    title: 'Video conference',
    intro: 'Pick your hall’s site, enter its access token and press “Join”.',
    siteLabel: 'Site',
    tokenLabel: 'Access token',
    remember: 'Remember the token until this browser tab is closed',
    join: 'Join',
    leave: 'Leave',
    langSwitch: 'Tiếng Việt',
    loadingSites: 'Loading the sites…',
    pickSite: '— Pick a site —',
    inMeeting: '(in the meeting)',
    sitesFailed: 'Could not load the site list from the gateway. Check the network and reload the page.',
    needSite: 'Pick a site.',
    needToken: 'Enter the site’s access token.',
    micOff: 'Mute microphone',
    micOn: 'Unmute microphone',
    camOff: 'Stop camera',
    camOn: 'Start camera',
    fullscreen: 'Full screen',
    exitFullscreen: 'Exit full screen',
    handUp: 'Ask to speak',
    handDown: 'Withdraw request to speak',
    floorChair: 'The chair has the floor',
    floorSite: 'Speaking: {name}',
    floorTimed: 'Speaking: {name} — {m}:{ss} left',
    handPlace: 'You asked to speak: place {n} in the queue',
    whoAmI: 'Site: {name}',
    chairSites: 'Sites',
    sitePresent: 'present',
    siteAbsent: 'absent',
    callSite: 'Call',
    calling: 'Calling…',
    callAgain: 'Call again',
    callFailed: 'Call failed',
    linkLine: 'picture tier {tier}, {loss} % lost, {rtt} ms round trip',
    callAll: 'Call all',
    errNotDialable: 'The gateway cannot call this site’s room system (no SIP address configured, or SIP is off).',
    present: 'In the meeting: {n} sites',
    stConnecting: 'Connecting to the gateway…',
    stJoining: 'Joining…',
    stNegotiating: 'Setting up picture and sound…',
    stConnected: 'Connected',
    stMediaDisconnected: 'Picture and sound are interrupted…',
    stReconnecting: 'Connection lost. Rejoining in {s} s…',
    stLeft: 'You left the meeting.',
    errBadToken: 'The access token is wrong for this site. Check it and try again.',
    errUnknownSite: 'The gateway has no such site. Reload the page for the current list.',
    errProtocol: 'This page and the gateway speak different versions. Reload the page.',
    errLocked: 'The chair has locked the meeting; joining is not possible now. Contact the chair.',
    errInternal: 'The gateway failed to set up the session. Try again in a few minutes or call the technician.',
    errOther: 'The gateway refused ({code}): {message}',
    errBadSdp: 'The gateway could not accept this browser’s media set-up.',
    byeReplaced: 'This site was just connected somewhere else, so this page left the meeting.',
    byeRemoved: 'The operator removed this site from the meeting.',
    byeOther: 'The gateway ended the session ({reason}).',
    mediaInsecure: 'Browsers give the camera and microphone only to https pages. The hall can still watch and listen; to send picture and sound, open the gateway’s https address.',
    mediaDenied: 'The browser refused the camera or microphone ({reason}). The hall can still watch and listen.',
    noWebrtc: 'This browser has no WebRTC. Use a recent Chromium, Chrome, Edge or Firefox.',
  },
};

const ERROR_TEXT = {
  'bad-token': 'errBadToken',
  'unknown-site': 'errUnknownSite',
  'unsupported-protocol': 'errProtocol',
  'conference-locked': 'errLocked',
  'internal': 'errInternal',
};
const BYE_TEXT = { replaced: 'byeReplaced', removed: 'byeRemoved' };

const PROTOCOL = 1;
const REJOIN_SECONDS = 5;
const params = new URLSearchParams(location.search);
// Tests keep media on loopback: only 127.0.0.1 candidates leave the page.
const LOOPBACK_ONLY = params.get('loopback') === '1';

const $ = (id) => document.getElementById(id);
const view = {
  lang: 'vi',
  status: null,   // [key, vars, css class]
  notice: null,   // [key, vars, css class]
  overlay: null,  // [key, vars]
  who: null,
  sites: [],
};
const media = { stream: null, micOn: true, camOn: true };
// The chair's meeting state (docs/protocol.md §13): floor holder, timer, this site's hand; for a
// moderator also every site's state (presence, calls) and what the chair panel last showed.
const meeting = { floor: '', remaining: -1, hand: 0, role: '', sites: [], panelShown: '' };
let session = null;
let rejoin = null;  // {timer, left}

// Exposed for the end-to-end test and for people debugging a hall in the browser console.
window.diemcau = { state: 'idle', pc: null, remoteStream: null, videoFrames: 0, events: [],
                   // Closes the signaling socket as a network loss would (for tests).
                   dropConnection: () => session?.ws.close(4000, 'dropped') };

function t(key, vars = {}) {
  const text = TEXT[view.lang][key] ?? TEXT.vi[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => String(vars[name] ?? ''));
}

function render() {
  document.documentElement.lang = view.lang;
  document.title = `diemcau — ${t('title')}`;
  for (const el of document.querySelectorAll('[data-i18n]'))
    el.textContent = t(el.dataset.i18n);
  $('lang').textContent = t('langSwitch');
  renderSites();
  renderLine($('status'), view.status, 'status');
  renderLine($('notice'), view.notice, 'notice');
  renderLine($('overlay'), view.overlay);
  $('who').hidden = !view.who;
  if (view.who)
    $('who').textContent = t('whoAmI', { name: view.who });
  $('mic').textContent = t(media.micOn ? 'micOff' : 'micOn');
  $('mic').classList.toggle('off', !media.micOn);
  $('cam').textContent = t(media.camOn ? 'camOff' : 'camOn');
  $('cam').classList.toggle('off', !media.camOn);
  $('fullscreen').textContent = t(document.fullscreenElement ? 'exitFullscreen' : 'fullscreen');
  $('hand').textContent = t(meeting.hand ? 'handDown' : 'handUp');
  $('hand').classList.toggle('off', Boolean(meeting.hand));
  $('floor').textContent = session?.joined ? floorLine() : '';
  const present = view.sites.filter((s) => s.present).length;
  $('present').textContent = session?.joined ? t('present', { n: present }) : '';
  renderChairPanel();
}

function siteName(id) {
  return view.sites.find((s) => s.id === id)?.name || id;
}

function floorLine() {
  let line = !meeting.floor ? t('floorChair')
    : meeting.remaining < 0 ? t('floorSite', { name: siteName(meeting.floor) })
    : t('floorTimed', { name: siteName(meeting.floor), m: Math.floor(meeting.remaining / 60),
                        ss: String(meeting.remaining % 60).padStart(2, '0') });
  if (meeting.hand)
    line += ' · ' + t('handPlace', { n: meeting.hand });
  return line;
}

function toggleHand() {
  send({ type: meeting.hand ? 'lower-hand' : 'raise-hand' });
}

// ---- the chair panel: calls to the halls' room systems, as an RMX operator places them ----

function moderates(role) {
  return role === 'chair' || role === 'operator';
}

// The gateway calls only a dialable hall that is absent and not being called already.
function callPossible(site) {
  return Boolean(site.dialable) && !site.present && site.call !== 'calling';
}

function callLabel(site) {
  if (!site.dialable || site.present)
    return null;
  return site.call === 'calling' ? 'calling' : site.call === 'failed' ? 'callAgain' : 'callSite';
}

function chairSiteRow(site) {
  const row = document.createElement('li');
  row.dataset.site = site.id;
  const name = document.createElement('span');
  name.className = 'site-name';
  name.textContent = siteName(site.id);
  const state = document.createElement('span');
  state.className = 'site-state';
  const words = [t(site.present ? 'sitePresent' : 'siteAbsent')];
  if (!site.present && site.call === 'failed')
    words.push(t('callFailed'));
  if (site.present && site.tier !== undefined)
    words.push(t('linkLine', { tier: site.tier + 1, loss: site.loss_pct, rtt: site.rtt_ms }));
  state.textContent = words.join(', ');
  row.append(name, state);
  const label = callLabel(site);
  if (label) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'call';
    button.textContent = t(label);
    button.disabled = !callPossible(site);
    button.addEventListener('click', () => {
      button.disabled = true;  // the next state says "Đang gọi…", or an error re-enables it
      send({ type: 'call-site', site: site.id });
    });
    row.append(button);
  }
  return row;
}

// Rebuilt only when what it shows changes: a row replaced under the pointer would lose a click.
function renderChairPanel() {
  const panel = $('chair-panel');
  const shown = Boolean(session?.joined) && moderates(meeting.role);
  panel.hidden = !shown;
  $('meeting-view').classList.toggle('chairing', shown);
  const others = shown ? meeting.sites.filter((s) => s.id !== session.site) : [];
  const key = JSON.stringify([view.lang, others, others.map((s) => siteName(s.id))]);
  if (key === meeting.panelShown)
    return;
  meeting.panelShown = key;
  $('chair-sites').replaceChildren(...others.map(chairSiteRow));
  $('call-all').hidden = !others.some((s) => s.dialable);
  $('call-all').disabled = !others.some(callPossible);
}

function callAll() {
  $('call-all').disabled = true;
  send({ type: 'call-all' });
}

function takeState(current, message) {
  meeting.floor = message.floor;
  meeting.remaining = message.floor_remaining_s;
  meeting.hand = (message.sites || []).find((s) => s.id === current.site)?.hand || 0;
  meeting.sites = message.sites || [];
  window.diemcau.state_message = message;
  render();
}

function renderLine(el, line, base = '') {
  el.hidden = !line;
  if (!line)
    return;
  el.textContent = t(line[0], line[1]);
  el.className = [base, line[2] || ''].join(' ').trim();
}

function renderSites() {
  const select = $('site');
  const chosen = select.value || sessionStorage.getItem('diemcau.site') || '';
  select.replaceChildren();
  const first = new Option(view.sites.length ? t('pickSite') : t('loadingSites'), '');
  first.disabled = true;
  select.add(first);
  for (const site of view.sites) {
    const label = site.present ? `${site.name} ${t('inMeeting')}` : site.name;
    select.add(new Option(label, site.id));
  }
  select.value = view.sites.some((s) => s.id === chosen) ? chosen : '';
}

function setStatus(key, vars, cls) {
  view.status = key ? [key, vars, cls] : null;
  window.diemcau.state = key || 'idle';
  render();
}

function setNotice(key, vars, cls) {
  view.notice = key ? [key, vars, cls] : null;
  render();
}

function setOverlay(key, vars) {
  view.overlay = key ? [key, vars] : null;
  render();
}

function showView(meeting) {
  $('join-view').hidden = meeting;
  $('meeting-view').hidden = !meeting;
}

async function loadSites() {
  try {
    const response = await fetch('/api/sites', { cache: 'no-store' });
    if (!response.ok)
      throw new Error(`HTTP ${response.status}`);
    const body = await response.json();
    view.sites = body.sites || [];
    render();
    if ($('site').value && !$('token').value)
      $('site').dispatchEvent(new Event('change'));
  } catch (error) {
    console.warn('site list:', error);
    setNotice('sitesFailed');
  }
}

// ---- local media ----

async function openLocalMedia() {
  if (media.stream)
    return;
  if (!navigator.mediaDevices?.getUserMedia) {
    setNotice(window.isSecureContext ? 'mediaDenied' : 'mediaInsecure', { reason: 'getUserMedia' }, 'warn');
    return;
  }
  const video = { width: { ideal: 640 }, height: { ideal: 360 } };
  try {
    media.stream = await navigator.mediaDevices.getUserMedia({ audio: true, video });
  } catch (error) {
    // A hall without a camera still speaks; one without both still watches.
    try {
      media.stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      media.stream = null;
    }
    setNotice('mediaDenied', { reason: error.name }, 'warn');
  }
  if (media.stream) {
    media.micOn = true;
    media.camOn = media.stream.getVideoTracks().length > 0;
    $('self-video').srcObject = media.stream;
  }
}

function localTrack(kind) {
  return media.stream?.getTracks().find((track) => track.kind === kind) || null;
}

function closeLocalMedia() {
  media.stream?.getTracks().forEach((track) => track.stop());
  media.stream = null;
  $('self-video').srcObject = null;
}

function toggleMic() {
  media.micOn = !media.micOn;
  const track = localTrack('audio');
  if (track)
    track.enabled = media.micOn;
  render();
}

async function toggleCam() {
  const sender = videoSender();
  if (media.camOn) {
    // Really release the camera (its light goes off); the gateway shows the tile's placeholder.
    const track = localTrack('video');
    if (track) {
      track.stop();
      media.stream.removeTrack(track);
    }
    await sender?.replaceTrack(null);
    media.camOn = false;
  } else {
    try {
      const fresh = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 640 }, height: { ideal: 360 } } });
      const track = fresh.getVideoTracks()[0];
      if (!media.stream)
        media.stream = new MediaStream();
      media.stream.addTrack(track);
      $('self-video').srcObject = media.stream;
      await sender?.replaceTrack(track);
      media.camOn = true;
    } catch (error) {
      setNotice('mediaDenied', { reason: error.name }, 'warn');
    }
  }
  render();
}

// The camera is sent no bigger than the tile the gateway shows it in (docs/protocol.md
// send-limits): scaled down by the browser's encoder, its bitrate capped.
async function applySendLimits(limits) {
  const sender = videoSender();
  const settings = sender?.track?.getSettings?.() || {};
  if (!sender || !settings.width || !settings.height)
    return;
  const scale = Math.max(1, settings.width / limits.max_width, settings.height / limits.max_height);
  const parameters = sender.getParameters();
  if (!parameters.encodings || parameters.encodings.length === 0)
    parameters.encodings = [{}];
  parameters.encodings[0].scaleResolutionDownBy = scale;
  parameters.encodings[0].maxBitrate = limits.max_kbps * 1000;
  try {
    await sender.setParameters(parameters);
    window.diemcau.sendApplied = { scale, maxBitrate: limits.max_kbps * 1000 };
  } catch (error) {
    console.warn('send-limits not applied:', error);
  }
}

function videoSender() {
  const pc = session?.pc;
  if (!pc)
    return null;
  const transceiver = pc.getTransceivers().find((tr) => tr.receiver.track.kind === 'video');
  return transceiver?.sender || null;
}

// ---- session ----

function send(message) {
  if (session?.ws.readyState === WebSocket.OPEN)
    session.ws.send(JSON.stringify(message));
}

// What this browser can send and receive (docs/protocol.md §6 join): VP8, and H.264 where it has
// constrained baseline with packetization-mode 1 both ways, as the gateway offers it.
function videoCodecs() {
  const both = (test) => ['sender', 'receiver'].every((side) => {
    const kind = side === 'sender' ? RTCRtpSender : RTCRtpReceiver;
    const codecs = kind.getCapabilities?.('video')?.codecs || [];
    return codecs.some(test);
  });
  const listed = [];
  if (both((c) => c.mimeType.toLowerCase() === 'video/vp8'))
    listed.push('vp8');
  if (both((c) => c.mimeType.toLowerCase() === 'video/h264'
           && /packetization-mode=1/.test(c.sdpFmtpLine || '')
           && /profile-level-id=42e0/i.test(c.sdpFmtpLine || '')))
    listed.push('h264');
  return listed.length ? listed : ['vp8'];
}

function startSession(site, token) {
  if (typeof RTCPeerConnection === 'undefined') {
    setNotice('noWebrtc');
    return;
  }
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/ws`);
  const current = { ws, pc: null, site, token, joined: false, finished: false, queue: Promise.resolve() };
  session = current;
  setStatus('stConnecting');
  setOverlay('stConnecting');
  ws.onopen = () => {
    setStatus('stJoining');
    send({ type: 'join', protocol: PROTOCOL, site, token, 'video-codecs': videoCodecs() });
  };
  ws.onmessage = (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch {
      return;
    }
    window.diemcau.events.push(message.type);
    if (message.type === 'bye' || (message.type === 'error' && message.fatal)) {
      // At once, not behind a pending offer: the close that follows must not look like a loss.
      handleMessage(current, message);
      return;
    }
    // Keep the gateway's order: its ICE candidates may arrive before the offer is applied.
    current.queue = current.queue
      .then(() => (session === current ? handleMessage(current, message) : null))
      .catch((error) => console.error('message', message.type, error));
  };
  ws.onclose = (event) => {
    if (session !== current || current.finished)
      return;
    console.info('signaling closed', event.code, event.reason);
    connectionLost();
  };
}

async function handleMessage(current, message) {
  switch (message.type) {
  case 'welcome':
    current.joined = true;
    view.who = message.name;
    meeting.role = message.role;
    view.sites = message.sites || view.sites;
    if ($('remember').checked)
      sessionStorage.setItem(`diemcau.token.${current.site}`, current.token);
    sessionStorage.setItem('diemcau.site', current.site);
    setStatus('stNegotiating');
    break;
  case 'offer':
    await answerOffer(current, message.sdp);
    break;
  case 'ice':
    await addRemoteCandidate(current, message);
    break;
  case 'site-list':
    view.sites = message.sites || [];
    render();
    break;
  case 'site-joined':
  case 'site-left':
    updatePresence(message.site, message.type === 'site-joined');
    break;
  case 'error':
    handleError(current, message);
    break;
  case 'bye':
    finish(current, BYE_TEXT[message.reason] || 'byeOther', { reason: message.reason });
    break;
  case 'layout':
    window.diemcau.layout = message;
    break;
  case 'state':
    takeState(current, message);
    break;
  case 'send-limits':
    window.diemcau.sendLimits = message;
    applySendLimits(message);
    break;
  default:
    break;  // speaking, and types of newer gateways
  }
}

function updatePresence(id, present) {
  const site = view.sites.find((s) => s.id === id);
  if (site)
    site.present = present;
  render();
}

function handleError(current, message) {
  console.warn('gateway error', message.code, message.message);
  if (message.fatal) {
    if (message.code === 'bad-token')
      sessionStorage.removeItem(`diemcau.token.${current.site}`);
    const key = ERROR_TEXT[message.code] || 'errOther';
    finish(current, key, { code: message.code, message: message.message });
  } else {
    if (message.code === 'bad-sdp')
      setNotice('errBadSdp', {}, 'warn');
    else if (message.code === 'not-dialable')
      setNotice('errNotDialable', {}, 'warn');
    // A refused command (nothing-to-do...): the buttons it disabled show the gateway's state again.
    meeting.panelShown = '';
    render();
  }
}

function newPeerConnection(current) {
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
  const remoteStream = new MediaStream();
  window.diemcau.pc = pc;
  window.diemcau.remoteStream = remoteStream;
  pc.ontrack = (event) => {
    remoteStream.addTrack(event.track);
    // Set once per stream: setting srcObject again restarts the element and aborts its play().
    for (const el of [$('remote-video'), $('remote-audio')])
      if (el.srcObject !== remoteStream)
        el.srcObject = remoteStream;
    $('remote-audio').play().catch((error) => console.warn('audio playback:', error.name));
  };
  pc.onicecandidate = (event) => {
    const candidate = event.candidate;
    if (!candidate) {
      send({ type: 'ice', candidate: '', sdpMLineIndex: 0 });
      return;
    }
    if (!candidate.candidate)
      return;
    if (LOOPBACK_ONLY && candidate.address !== '127.0.0.1')
      return;
    send({ type: 'ice', candidate: candidate.candidate, sdpMLineIndex: candidate.sdpMLineIndex ?? 0 });
  };
  pc.onconnectionstatechange = () => {
    if (session !== current)
      return;
    switch (pc.connectionState) {
    case 'connected':
      setStatus('stConnected', {}, 'ok');
      setOverlay(null);
      break;
    case 'disconnected':
      setStatus('stMediaDisconnected', {}, 'bad');
      break;
    case 'failed':
      connectionLost();
      break;
    default:
      break;
    }
  };
  return pc;
}

async function answerOffer(current, sdp) {
  if (current.pc)
    current.pc.close();
  const pc = newPeerConnection(current);
  current.pc = pc;
  await pc.setRemoteDescription({ type: 'offer', sdp });
  // The offer made one video and one audio transceiver; send on those rather than adding new ones.
  for (const transceiver of pc.getTransceivers()) {
    const kind = transceiver.receiver.track.kind;
    const track = kind === 'video' && !media.camOn ? null : localTrack(kind);
    if (track) {
      await transceiver.sender.replaceTrack(track);
      transceiver.sender.setStreams(media.stream);
    }
    transceiver.direction = 'sendrecv';
  }
  const answer = await pc.createAnswer();
  await pc.setLocalDescription(answer);
  send({ type: 'answer', sdp: pc.localDescription.sdp });
  if (window.diemcau.sendLimits)  // it came before the camera's sender existed
    applySendLimits(window.diemcau.sendLimits);
}

async function addRemoteCandidate(current, message) {
  if (!current.pc)
    return;
  try {
    if (message.candidate === '')
      await current.pc.addIceCandidate(null);
    else
      await current.pc.addIceCandidate({ candidate: message.candidate, sdpMLineIndex: message.sdpMLineIndex });
  } catch (error) {
    console.warn('remote candidate refused:', error.message);
  }
}

function teardown(current) {
  current.finished = true;
  current.pc?.close();
  if (current.ws.readyState <= WebSocket.OPEN)
    current.ws.close(1000);
  window.diemcau.pc = null;
}

// A fatal error, a bye or the user leaving: the page stops and does not reconnect by itself.
function finish(current, noticeKey, vars, cls) {
  teardown(current);
  if (session === current)
    session = null;
  cancelRejoin();
  closeLocalMedia();
  view.who = null;
  meeting.role = '';
  meeting.sites = [];
  $('remote-video').srcObject = null;
  $('remote-audio').srcObject = null;
  setOverlay(null);
  setStatus(null);
  setNotice(noticeKey, vars, cls);
  showView(false);
  loadSites();
}

// No bye, no fatal error: the network or the gateway went away. Rejoin by itself, forever.
function connectionLost() {
  const current = session;
  if (!current || current.finished)
    return;
  teardown(current);
  cancelRejoin();
  rejoin = { left: REJOIN_SECONDS, timer: null };
  const tick = () => {
    if (rejoin.left <= 0) {
      rejoin = null;
      startSession(current.site, current.token);
      return;
    }
    setStatus('stReconnecting', { s: rejoin.left }, 'bad');
    setOverlay('stReconnecting', { s: rejoin.left });
    rejoin.left -= 1;
    rejoin.timer = setTimeout(tick, 1000);
  };
  tick();
}

function cancelRejoin() {
  if (rejoin)
    clearTimeout(rejoin.timer);
  rejoin = null;
}

async function onJoin(event) {
  event.preventDefault();
  const site = $('site').value;
  const token = $('token').value.trim();
  if (!site) {
    setNotice('needSite', {}, 'warn');
    return;
  }
  if (!token) {
    setNotice('needToken', {}, 'warn');
    return;
  }
  setNotice(null);
  $('join').disabled = true;
  showView(true);
  await openLocalMedia();
  $('join').disabled = false;
  startSession(site, token);
}

function onLeave() {
  if (session) {
    send({ type: 'leave' });
    finish(session, 'stLeft', {}, 'info');
  } else {
    cancelRejoin();
    finish({ ws: { readyState: WebSocket.CLOSED }, pc: null }, 'stLeft', {}, 'info');
  }
}

function toggleFullscreen() {
  if (document.fullscreenElement)
    document.exitFullscreen();
  else
    $('stage').requestFullscreen().catch((error) => console.warn('full screen:', error.name));
}

function countVideoFrames() {
  const video = $('remote-video');
  if (!('requestVideoFrameCallback' in HTMLVideoElement.prototype))
    return;
  const onFrame = () => {
    window.diemcau.videoFrames += 1;
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}

function init() {
  const stored = localStorage.getItem('diemcau.lang');
  view.lang = params.get('lang') in TEXT ? params.get('lang') : stored in TEXT ? stored : 'vi';
  $('lang').addEventListener('click', () => {
    view.lang = view.lang === 'vi' ? 'en' : 'vi';
    localStorage.setItem('diemcau.lang', view.lang);
    render();
  });
  $('site').addEventListener('change', () => {
    const saved = sessionStorage.getItem(`diemcau.token.${$('site').value}`);
    $('token').value = saved || '';
    $('remember').checked = Boolean(saved);
  });
  $('join-form').addEventListener('submit', onJoin);
  $('leave').addEventListener('click', onLeave);
  $('mic').addEventListener('click', toggleMic);
  $('cam').addEventListener('click', toggleCam);
  $('hand').addEventListener('click', toggleHand);
  $('call-all').addEventListener('click', callAll);
  // The speech timer counts down between the gateway's state messages.
  setInterval(() => {
    if (meeting.remaining > 0) {
      meeting.remaining--;
      render();
    }
  }, 1000);
  $('fullscreen').addEventListener('click', toggleFullscreen);
  document.addEventListener('fullscreenchange', render);
  countVideoFrames();
  render();
  loadSites();
}

init();
