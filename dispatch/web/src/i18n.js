// Every string the portal shows, in Japanese (the default) and English. Both tables hold the same
// keys; a missing key shows as the key itself so that it is noticed, never as an empty string.

const ja = {
    'app.title': '除雪業者ポータル',
    'app.product': 'ゆきみち',
    'app.skip': '本文へ移動',
    'app.loading': '読み込み中…',

    'lang.switch': 'English',
    'lang.switch_label': '表示言語を英語に切り替える',

    'nav.label': 'メニュー',
    'nav.orders': '作業指令',
    'nav.vehicles': '車両',
    'nav.reports': '日報',
    'nav.logout': 'ログアウト',
    'nav.account': 'ログイン中: {name}',

    'login.title': 'ログイン',
    'login.intro': '市から受けた作業指令を確認し、受領・着手・完了を報告します。',
    'login.login': 'ログイン名',
    'login.password': 'パスワード',
    'login.show_password': 'パスワードを表示',
    'login.submit': 'ログイン',
    'login.busy': 'ログインしています…',
    'login.bad_credentials': 'ログイン名またはパスワードが違います。',
    'login.rate_limited': 'ログインの失敗が続いたため、しばらく受け付けません。{minutes}分ほど後にもう一度お試しください。',
    'login.required': 'ログイン名とパスワードを入力してください。',
    'login.expired': 'ログインの有効期限が切れました。もう一度ログインしてください。',

    'role.viewer': '閲覧者',
    'role.contractor': '除雪業者',
    'role.staff': '市職員',
    'role.supervisor': '監督員',

    'status.draft': '下書き',
    'status.issued': '発令',
    'status.acknowledged': '受領',
    'status.declined': '辞退',
    'status.started': '着手',
    'status.completed': '完了',
    'status.inspected': '検査済',
    'status.cancelled': '取消',
    'status.unknown': '不明',

    'work.plow': '新雪除雪',
    'work.grade': '路面整正',
    'work.widen': '拡幅除雪',
    'work.haul': '運搬排雪',
    'work.spread': '凍結防止剤散布',
    'work.travel': '回送',
    'work.unknown': '作業種別不明',

    'machine.dozer': '除雪ドーザ',
    'machine.motor_grader': 'モーターグレーダ',
    'machine.rotary_blower': 'ロータリ除雪車',
    'machine.plow_truck': '除雪トラック',
    'machine.dump_truck': 'ダンプ',
    'machine.small_machine': '小型除雪機',
    'machine.unknown': '車種不明',

    'channel.desktop': '市のデスクトップ',
    'channel.portal': 'ポータル',
    'channel.phone': '電話',
    'channel.print': '紙',
    'channel.cli': '市の端末',

    'orders.title': '作業指令',
    'orders.map': '作業指令の路線の地図（色は状態）',
    'orders.filter': '表示する作業指令',
    'orders.filter.open': '未完了',
    'orders.filter.closed': '完了・取消',
    'orders.filter.all': 'すべて',
    'orders.empty.open': '未完了の作業指令はありません。',
    'orders.empty.closed': '完了・取消の作業指令はありません。',
    'orders.empty.all': '作業指令はありません。',
    'orders.count': '{n}件',
    'orders.window': '作業時間',
    'orders.deadline': '期限',
    'orders.no_deadline': '期限なし',
    'orders.overdue': '期限超過',
    'orders.district': '工区',
    'orders.no_district': '工区指定なし',
    'orders.work': '作業',
    'orders.roads': '路線',
    'orders.roads_value': '{n}区間・{km} km',
    'orders.contractor': '業者',
    'orders.new_badge': '新着',

    'order.back': '作業指令の一覧へ戻る',
    'order.title': '作業指令 {number}',
    'order.not_found': '作業指令 {number} は見つかりません。',
    'order.not_found_hint': '番号を確かめるか、一覧から選んでください。',
    'order.map': '対象路線の地図',
    'order.map_empty': 'この作業指令には地図に描ける路線がありません。',
    'order.map_failed': '路線を読み込めませんでした: {message}',
    'order.instructions': '指示事項',
    'order.no_instructions': '指示事項はありません。',
    'order.vehicles': '指定車両',
    'order.no_vehicles': '車両の指定はありません。',
    'order.history': '経過',
    'order.history_created': '作成',
    'order.history_by': '{actor}（{channel}）',
    'order.history_reason': '理由: {reason}',
    'order.evidence': 'GPS による実績',
    'order.evidence_value': '{cleared} / {required} km 走行済み',
    'order.evidence_none': 'GPS の記録はまだありません。',
    'order.evidence_passes': '最初の通過 {first}、最後の通過 {last}',
    'order.sheet': '作業指令書（PDF）を開く',
    'order.actions': '操作',
    'order.no_actions': 'この作業指令にいま行える操作はありません。',

    'action.acknowledge': '受領',
    'action.decline': '辞退',
    'action.start': '着手',
    'action.complete': '完了',
    'action.issue': '発令',
    'action.cancel': '取消',
    'action.inspect': '検査',
    'action.confirm.acknowledge': '作業指令 {number} を受領します。よろしいですか？',
    'action.confirm.decline': '作業指令 {number} を辞退します。理由を入力してください。',
    'action.confirm.start': '作業指令 {number} の作業に着手したことを報告します。よろしいですか？',
    'action.confirm.complete': '作業指令 {number} の作業が完了したことを報告します。よろしいですか？',
    'action.confirm.issue': '作業指令 {number} を発令します。業者に通知されます。よろしいですか？',
    'action.confirm.cancel': '作業指令 {number} を取り消します。よろしいですか？',
    'action.confirm.inspect': '作業指令 {number} を検査済みにします。よろしいですか？',
    'action.reason': '理由',
    'action.reason_required_label': '辞退の理由（必須）',
    'action.reason_optional_label': '理由（任意）',
    'action.reason_missing': '辞退の理由を入力してください。',
    'action.yes': '{action}する',
    'action.back': 'やめる',
    'action.busy': '送信しています…',
    'action.done': '作業指令 {number} を「{status}」にしました。',
    'action.failed': '操作できませんでした。',

    'vehicles.title': '車両',
    'vehicles.map': '車両の位置の地図',
    'vehicles.empty': '表示できる車両はありません。',
    'vehicles.count': '{n}台（位置不明 {unknown}台）',
    'vehicles.unknown_position': '位置不明',
    'vehicles.unknown_hint': 'GPS の記録がありません',
    'vehicles.stale': '{age}前の位置',
    'vehicles.age': '{age}前',
    'vehicles.speed': '{speed} km/h',
    'vehicles.plate': 'ナンバー',
    'vehicles.no_plate': 'ナンバー未登録',
    'vehicles.refreshed': '{time} 更新（10秒ごと）',
    'vehicles.refresh_failed': '車両の位置を更新できませんでした: {message}',

    'reports.title': '作業日報',
    'reports.intro_contractor': '車両ごと・出動ごとの作業日報です。夜の作業が終わったら内容を確認して確定してください。確定した日報の数値で精算します。',
    'reports.intro_city': '車両ごと・出動ごとの作業日報と、業者による確定の状況です。',
    'reports.date': '日付（作業を始めた日）',
    'reports.empty': 'この日に始まった出動の日報はありません。',
    'reports.state.open': '未確定',
    'reports.state.running': '作業中',
    'reports.state.confirmed': '確定済み',
    'reports.state.unknown': '不明',
    'reports.shift': '出動',
    'reports.operating': '稼働時間',
    'reports.hours_value': '{h} 時間',
    'reports.distance': '走行距離',
    'reports.km_value': '{km} km',
    'reports.by_class': '除雪延長',
    'reports.class_value': '第{n}種 {km} km',
    'reports.orders': '作業指令',
    'reports.no_orders': 'なし',
    'reports.work': '作業種別ごとの時間と距離',
    'reports.work_type': '作業種別',
    'reports.hours': '時間',
    'reports.km': 'km',
    'reports.no_work': '作業の記録はありません。',
    'reports.gaps': 'GPS の欠測（記録がない時間）',
    'reports.no_gaps': '欠測はありません。',
    'reports.gaps_value': '未確認の欠測 {n}件・合計 {minutes} 分（稼働時間と距離に含めません）',
    'reports.gap_minutes': '（{minutes} 分）',
    'reports.not_counted': '集計に含めません',
    'reports.gap_confirmed': '市が確認済み: {work}として集計（{by}）',
    'reports.confirm': 'この日報を確定する',
    'reports.confirm_question': '{vehicle} の {window} の日報を確定します。',
    'reports.confirm_final': '確定すると変更できません。内容をよく確かめてください。',
    'reports.confirm_yes': '確定する',
    'reports.confirmed_by': '確定済み: {by}（{channel}） {time}',
    'reports.differs': '確定後に届いた GPS の記録で、いま計算した日報は確定した内容と異なります。支払いには確定した内容を用います。',
    'reports.running': '作業中のため、まだ確定できません（最後の記録から4時間後から確定できます）。',
    'reports.awaiting': '業者の確定待ちです。',
    'reports.done': '{vehicle} の日報を確定しました。',
    'reports.failed': '確定できませんでした。',

    'time.seconds': '{n}秒',
    'time.minutes': '{n}分',
    'time.hours': '{n}時間',
    'time.days': '{n}日',

    'live.connecting': 'ライブ更新: 接続しています',
    'live.live': 'ライブ更新: 接続中',
    'live.reconnecting': 'ライブ更新: 切断されました。再接続しています…',
    'live.new_order': '新しい作業指令 {number} が届きました（{work}・{district}）。',
    'live.changed_order': '作業指令 {number} が「{status}」になりました。',
    'notice.close': '閉じる',
    'notice.open': '開く',

    'error.network': 'サーバーに接続できません。電波の状態を確かめてください。',
    'error.forbidden': 'この操作を行う権限がありません。',
    'error.not_found': '見つかりません。',
    'error.illegal_transition': 'この作業指令はすでに状態が変わっています。最新の状態を確認してください。',
    'error.reason_required': '理由の入力が必要です。',
    'error.already_confirmed': 'この日報はすでに確定されています。',
    'error.shift_running': '作業中のため、まだ確定できません。',
    'error.bad_parameter': '指定の値が正しくありません。',
    'error.rate_limited': 'しばらく時間をおいてからお試しください。',
    'error.not_logged_in': 'ログインしてください。',
    'error.server_message': 'サーバーからのメッセージ: {message}',
    'error.generic': '処理できませんでした（{status}）。',
};

const en = {
    'app.title': 'Contractor portal',
    'app.product': 'Yukimichi',
    'app.skip': 'Skip to content',
    'app.loading': 'Loading…',

    'lang.switch': '日本語',
    'lang.switch_label': 'Switch the language to Japanese',

    'nav.label': 'Menu',
    'nav.orders': 'Orders',
    'nav.vehicles': 'Vehicles',
    'nav.reports': 'Daily reports',
    'nav.logout': 'Log out',
    'nav.account': 'Logged in: {name}',

    'login.title': 'Log in',
    'login.intro': 'See the work orders from the city, and report acknowledgement, start and completion.',
    'login.login': 'Login name',
    'login.password': 'Password',
    'login.show_password': 'Show password',
    'login.submit': 'Log in',
    'login.busy': 'Logging in…',
    'login.bad_credentials': 'Wrong login name or password.',
    'login.rate_limited': 'Too many failed attempts. Please try again in about {minutes} min.',
    'login.required': 'Enter your login name and password.',
    'login.expired': 'Your session has expired. Please log in again.',

    'role.viewer': 'Viewer',
    'role.contractor': 'Contractor',
    'role.staff': 'City staff',
    'role.supervisor': 'Supervisor',

    'status.draft': 'Draft',
    'status.issued': 'Issued',
    'status.acknowledged': 'Acknowledged',
    'status.declined': 'Declined',
    'status.started': 'Started',
    'status.completed': 'Completed',
    'status.inspected': 'Inspected',
    'status.cancelled': 'Cancelled',
    'status.unknown': 'Unknown',

    'work.plow': 'New-snow plowing',
    'work.grade': 'Surface grading',
    'work.widen': 'Widening',
    'work.haul': 'Haul-away',
    'work.spread': 'Anti-icing spreading',
    'work.travel': 'Travel',
    'work.unknown': 'Unknown work type',

    'machine.dozer': 'Snow dozer',
    'machine.motor_grader': 'Motor grader',
    'machine.rotary_blower': 'Rotary snow blower',
    'machine.plow_truck': 'Plow truck',
    'machine.dump_truck': 'Dump truck',
    'machine.small_machine': 'Small snow machine',
    'machine.unknown': 'Unknown machine type',

    'channel.desktop': 'city desktop',
    'channel.portal': 'portal',
    'channel.phone': 'phone',
    'channel.print': 'paper',
    'channel.cli': 'city terminal',

    'orders.title': 'Work orders',
    'orders.map': 'Map of the orders\' roads (colour by status)',
    'orders.filter': 'Orders to show',
    'orders.filter.open': 'Open',
    'orders.filter.closed': 'Done or cancelled',
    'orders.filter.all': 'All',
    'orders.empty.open': 'No open work orders.',
    'orders.empty.closed': 'No finished or cancelled work orders.',
    'orders.empty.all': 'No work orders.',
    'orders.count': '{n} orders',
    'orders.window': 'Window',
    'orders.deadline': 'Deadline',
    'orders.no_deadline': 'No deadline',
    'orders.overdue': 'overdue',
    'orders.district': 'District',
    'orders.no_district': 'No district',
    'orders.work': 'Work',
    'orders.roads': 'Roads',
    'orders.roads_value': '{n} segments, {km} km',
    'orders.contractor': 'Contractor',
    'orders.new_badge': 'New',

    'order.back': 'Back to the work orders',
    'order.title': 'Work order {number}',
    'order.not_found': 'Work order {number} was not found.',
    'order.not_found_hint': 'Check the number, or choose an order from the list.',
    'order.map': 'Map of the roads in this order',
    'order.map_empty': 'This order has no roads that can be drawn on the map.',
    'order.map_failed': 'Could not load the roads: {message}',
    'order.instructions': 'Instructions',
    'order.no_instructions': 'No instructions.',
    'order.vehicles': 'Assigned vehicles',
    'order.no_vehicles': 'No vehicles assigned.',
    'order.history': 'History',
    'order.history_created': 'Created',
    'order.history_by': '{actor} ({channel})',
    'order.history_reason': 'Reason: {reason}',
    'order.evidence': 'GPS evidence',
    'order.evidence_value': '{cleared} of {required} km driven',
    'order.evidence_none': 'No GPS record yet.',
    'order.evidence_passes': 'First pass {first}, last pass {last}',
    'order.sheet': 'Open the order sheet (PDF)',
    'order.actions': 'Actions',
    'order.no_actions': 'Nothing can be done with this order now.',

    'action.acknowledge': 'Acknowledge',
    'action.decline': 'Decline',
    'action.start': 'Start',
    'action.complete': 'Complete',
    'action.issue': 'Issue',
    'action.cancel': 'Cancel order',
    'action.inspect': 'Inspect',
    'action.confirm.acknowledge': 'Acknowledge work order {number}?',
    'action.confirm.decline': 'Decline work order {number}? Please give a reason.',
    'action.confirm.start': 'Report that work on order {number} has started?',
    'action.confirm.complete': 'Report that work on order {number} is complete?',
    'action.confirm.issue': 'Issue work order {number}? The contractor will be notified.',
    'action.confirm.cancel': 'Cancel work order {number}?',
    'action.confirm.inspect': 'Mark work order {number} as inspected?',
    'action.reason': 'Reason',
    'action.reason_required_label': 'Reason for declining (required)',
    'action.reason_optional_label': 'Reason (optional)',
    'action.reason_missing': 'Please enter a reason for declining.',
    'action.yes': 'Yes: {action}',
    'action.back': 'Go back',
    'action.busy': 'Sending…',
    'action.done': 'Work order {number} is now "{status}".',
    'action.failed': 'The action could not be done.',

    'vehicles.title': 'Vehicles',
    'vehicles.map': 'Map of vehicle positions',
    'vehicles.empty': 'No vehicles to show.',
    'vehicles.count': '{n} vehicles ({unknown} with unknown position)',
    'vehicles.unknown_position': 'Position unknown',
    'vehicles.unknown_hint': 'No GPS record',
    'vehicles.stale': 'position from {age} ago',
    'vehicles.age': '{age} ago',
    'vehicles.speed': '{speed} km/h',
    'vehicles.plate': 'Plate',
    'vehicles.no_plate': 'No plate registered',
    'vehicles.refreshed': 'Updated {time} (every 10 s)',
    'vehicles.refresh_failed': 'Could not update vehicle positions: {message}',

    'reports.title': 'Daily work reports',
    'reports.intro_contractor': 'The work reports of your vehicles, one per shift. Check and confirm each after the night; payment follows the confirmed figures.',
    'reports.intro_city': 'The work reports of every vehicle shift, and whether the contractor has confirmed them.',
    'reports.date': 'Date (the day the shift started)',
    'reports.empty': 'No shift started on this date.',
    'reports.state.open': 'Not confirmed',
    'reports.state.running': 'Still working',
    'reports.state.confirmed': 'Confirmed',
    'reports.state.unknown': 'Unknown',
    'reports.shift': 'Shift',
    'reports.operating': 'Operating time',
    'reports.hours_value': '{h} h',
    'reports.distance': 'Distance driven',
    'reports.km_value': '{km} km',
    'reports.by_class': 'Cleared',
    'reports.class_value': 'class {n} {km} km',
    'reports.orders': 'Work orders',
    'reports.no_orders': 'none',
    'reports.work': 'Time and distance by work type',
    'reports.work_type': 'Work type',
    'reports.hours': 'Hours',
    'reports.km': 'km',
    'reports.no_work': 'No work recorded.',
    'reports.gaps': 'GPS gaps (no records)',
    'reports.no_gaps': 'No gaps.',
    'reports.gaps_value': '{n} unconfirmed gaps, {minutes} min in all (not counted in time or distance)',
    'reports.gap_minutes': '({minutes} min)',
    'reports.not_counted': 'not counted',
    'reports.gap_confirmed': 'confirmed by the city: counted as {work} ({by})',
    'reports.confirm': 'Confirm this report',
    'reports.confirm_question': 'Confirm the report of {vehicle}, {window}.',
    'reports.confirm_final': 'Once confirmed it cannot be changed. Please check it carefully.',
    'reports.confirm_yes': 'Confirm',
    'reports.confirmed_by': 'Confirmed: {by} ({channel}) {time}',
    'reports.differs': 'GPS records that arrived after the confirmation change the report computed now; payment uses the confirmed figures.',
    'reports.running': 'Still working: the report can be confirmed 4 hours after the last record.',
    'reports.awaiting': 'Waiting for the contractor to confirm.',
    'reports.done': 'The report of {vehicle} is confirmed.',
    'reports.failed': 'The report could not be confirmed.',

    'time.seconds': '{n} s',
    'time.minutes': '{n} min',
    'time.hours': '{n} h',
    'time.days': '{n} days',

    'live.connecting': 'Live updates: connecting',
    'live.live': 'Live updates: connected',
    'live.reconnecting': 'Live updates: connection lost, reconnecting…',
    'live.new_order': 'New work order {number} ({work}, {district}).',
    'live.changed_order': 'Work order {number} is now "{status}".',
    'notice.close': 'Close',
    'notice.open': 'Open',

    'error.network': 'Cannot reach the server. Please check your connection.',
    'error.forbidden': 'You are not allowed to do this.',
    'error.not_found': 'Not found.',
    'error.illegal_transition': 'This order has already changed. Please check its current state.',
    'error.reason_required': 'A reason is required.',
    'error.already_confirmed': 'This report is already confirmed.',
    'error.shift_running': 'The shift may still be running: it cannot be confirmed yet.',
    'error.bad_parameter': 'A value in the request is not valid.',
    'error.rate_limited': 'Please wait a while and try again.',
    'error.not_logged_in': 'Please log in.',
    'error.server_message': 'Message from the server: {message}',
    'error.generic': 'The request failed ({status}).',
};

export const tables = { ja, en };
export const languages = ['ja', 'en'];

const stored_key = 'ykm.portal.language';
let current = initial_language();

function initial_language() {
    try {
        const saved = window.localStorage.getItem(stored_key);
        if (languages.includes(saved)) {
            return saved;
        }
    } catch {
        // Storage may be disabled; Japanese is the default then.
    }
    return 'ja';
}

/// The language in use: "ja" or "en".
export function language() {
    return current;
}

/// Switches the language for this browser; the caller also stores it in the account.
export function set_language(lang) {
    if (!languages.includes(lang)) {
        return;
    }
    current = lang;
    document.documentElement.lang = lang;
    try {
        window.localStorage.setItem(stored_key, lang);
    } catch {
        // Not stored: the account keeps the choice for the next login.
    }
}

/// The text for `key`, with `{name}` placeholders replaced from `params`.
export function t(key, params = {}) {
    const text = tables[current][key] ?? tables.ja[key] ?? key;
    return text.replace(/\{(\w+)\}/g, (whole, name) =>
        params[name] === undefined || params[name] === null ? whole : String(params[name]));
}

/// The text for `prefix.key` when there is one, else for `prefix.unknown` (with the raw key).
export function t_key(prefix, key) {
    const full = `${prefix}.${key}`;
    if (tables[current][full] !== undefined) {
        return tables[current][full];
    }
    const unknown = tables[current][`${prefix}.unknown`];
    return unknown !== undefined ? `${unknown} (${key})` : String(key);
}

const time_zone = 'Asia/Tokyo';

/// An ISO 8601 time shown in JST: "1/10(土) 21:00" or "Sat 1/10 21:00".
export function format_time(iso) {
    if (!iso) {
        return '';
    }
    const d = new Date(iso);
    if (Number.isNaN(d.getTime())) {
        return String(iso);
    }
    const locale = current === 'ja' ? 'ja-JP' : 'en-GB';
    const date = new Intl.DateTimeFormat(locale, {
        timeZone: time_zone, month: 'numeric', day: 'numeric', weekday: 'short',
    }).format(d);
    const time = new Intl.DateTimeFormat(locale, {
        timeZone: time_zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    }).format(d);
    return `${date} ${time}`;
}

/// A clock time in JST: "21:05:30".
export function format_clock(date) {
    return new Intl.DateTimeFormat(current === 'ja' ? 'ja-JP' : 'en-GB', {
        timeZone: time_zone, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
    }).format(date);
}

/// A time window: "1/10(土) 21:00 – 1/11(日) 06:00".
export function format_window(start, end) {
    return `${format_time(start)} – ${format_time(end)}`;
}

/// A duration in seconds as "45秒", "12分", "3時間"; "45 s", "12 min", ...
export function format_age(seconds) {
    const s = Math.max(0, Math.round(Number(seconds) || 0));
    if (s < 60) {
        return t('time.seconds', { n: s });
    }
    if (s < 3600) {
        return t('time.minutes', { n: Math.floor(s / 60) });
    }
    if (s < 86400) {
        return t('time.hours', { n: Math.floor(s / 3600) });
    }
    return t('time.days', { n: Math.floor(s / 86400) });
}

/// Kilometres with one decimal from metres.
export function format_km(metres) {
    const m = Number(metres) || 0;
    return (m / 1000).toLocaleString(current === 'ja' ? 'ja-JP' : 'en-GB', {
        minimumFractionDigits: 1, maximumFractionDigits: 1,
    });
}
