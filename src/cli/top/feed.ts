// The dashboard's view of the daemon: the session list kept current by the
// daemon's event stream, and the selected session's screen.
import { EventEmitter } from 'node:events';
import type { SessionInfo, StateEvent } from '../../shared/protocol/session.js';
import type { Capture } from '../../shared/protocol/terminalIo.js';
import { Notification } from '../../shared/protocol/requests.js';
import { connectDaemon, type DaemonClient } from '../client.js';

/** The preview follows output at most this late. */
export const PREVIEW_INTERVAL_MS = 100;
const STARTING_PREVIEW_INTERVAL_MS = 1000;
/**
 * Sessions created or removed by other commands raise no state event; the
 * list is read again this often to see them (one small call).
 */
const LIST_RESYNC_MS = 3000;

interface FeedEvents {
  change: [];
  preview: [Capture | undefined];
  lost: [];
}

export class Feed extends EventEmitter<FeedEvents> {
  sessions: SessionInfo[] = [];
  private previewId: string | undefined;
  private previewTimer: NodeJS.Timeout | undefined;
  private lastPreview: string | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    private readonly control: DaemonClient,
    private readonly events: DaemonClient,
  ) {
    super();
  }

  /** Two connections: one for calls, one that carries the event stream. */
  static async open(): Promise<Feed> {
    const control = await connectDaemon();
    const events = await connectDaemon({ autostart: false });
    const feed = new Feed(control, events);
    const lost = (): void => {
      if (!feed.closed) feed.emit('lost');
    };
    control.onClose = lost;
    events.onClose = lost;
    events.onNotification = (method, params) => {
      if (method === Notification.StateChanged) feed.onState(params as StateEvent);
    };
    await events.call('events.subscribe', {});
    await feed.refresh();
    feed.resyncTimer = setInterval(() => void feed.refresh().catch(() => undefined), LIST_RESYNC_MS);
    return feed;
  }

  get client(): DaemonClient {
    return this.control;
  }

  async refresh(): Promise<void> {
    this.sessions = await this.control.call('session.list', { all: true });
    this.emit('change');
  }

  private onState(event: StateEvent): void {
    const known = this.sessions.find((s) => s.id === event.id);
    if (!known) return void this.refresh().catch(() => undefined);
    Object.assign(known, {
      state: event.state,
      stateSince: event.stateSince,
      stateSource: event.stateSource,
      attention: event.attention,
    });
    if (event.state === 'exited') void this.refresh().catch(() => undefined);
    this.emit('change');
    if (event.id === this.previewId) this.schedulePreview(0);
  }

  /**
   * Show this session's screen. It is read again every PREVIEW_INTERVAL_MS
   * only while the session works: an idle, asking or exited screen does not
   * change, so it costs nothing.
   */
  select(id: string | undefined): void {
    if (id === this.previewId) return;
    this.previewId = id;
    this.lastPreview = undefined;
    this.schedulePreview(0);
  }

  private schedulePreview(delay: number): void {
    clearTimeout(this.previewTimer);
    if (this.closed) return;
    this.previewTimer = setTimeout(() => void this.readPreview(), delay);
  }

  private async readPreview(): Promise<void> {
    const id = this.previewId;
    if (!id) return void this.emit('preview', undefined);
    let capture: Capture | undefined;
    try {
      capture = await this.control.call('session.capture', { session: id, escapes: true });
    } catch {
      capture = undefined; // Removed meanwhile: the list will say so.
    }
    if (id !== this.previewId || this.closed) return;
    // An unchanged screen is not drawn again (the whole frame would be rendered for nothing).
    const seen = JSON.stringify(capture ?? null);
    if (seen !== this.lastPreview) {
      this.lastPreview = seen;
      this.emit('preview', capture);
    }
    const info = this.sessions.find((s) => s.id === id);
    if (info?.status !== 'running') return;
    if (info.state === 'working') this.schedulePreview(PREVIEW_INTERVAL_MS);
    // Starting (a program that has said nothing yet, an agent drawing its start): looked at less often.
    else if (info.state === undefined || info.state === 'starting') this.schedulePreview(STARTING_PREVIEW_INTERVAL_MS);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.previewTimer);
    clearInterval(this.resyncTimer);
    this.control.close();
    this.events.close();
  }
}
