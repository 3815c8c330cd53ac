import { EventEmitter } from 'node:events';
import type { AgentState, StateSource } from '../../shared/protocol/agent.js';
import type { StateEvent, ToolName } from '../../shared/protocol/session.js';

/** Who the state belongs to, for the events it sends. */
export interface StateOwner {
  readonly id: string;
  readonly name?: string;
  readonly tool: ToolName;
}

/**
 * One session's agent state (SPEC §10): what it is, since when, who said so,
 * and whether a change to idle or asking still waits to be seen.
 */
export class AgentStateMachine extends EventEmitter<{ state: [StateEvent] }> {
  state: AgentState = 'starting';
  since = new Date().toISOString();
  source: StateSource = 'screen';
  attention = false;
  /** The agent's hooks have answered: the screen no longer guesses. */
  hookDriven = false;

  constructor(
    private readonly owner: StateOwner,
    /** Terminals attached right now: a change they show is seen. */
    private readonly attachedCount: () => number,
  ) {
    super();
  }

  /** A hook called: from now on the hooks speak for this run. */
  heardHook(): void {
    this.hookDriven = true;
  }

  /** `calls: false`: a change that needs nobody (an agent that just started and waits). */
  set(state: AgentState, source: StateSource, message?: string, calls = true): void {
    if (state === this.state) {
      this.source = source;
      return;
    }
    const previous = this.state;
    // Waiting on the user, or done with a piece of work: call for attention,
    // unless a terminal is attached and shows it.
    const needed = calls && (state === 'asking' || (state === 'idle' && previous === 'working'));
    this.state = state;
    this.since = new Date().toISOString();
    this.source = source;
    this.attention = needed && this.attachedCount() === 0;
    const event: StateEvent = {
      id: this.owner.id,
      tool: this.owner.tool,
      time: this.since,
      state,
      previous,
      stateSince: this.since,
      stateSource: source,
      attention: this.attention,
    };
    if (this.owner.name !== undefined) event.name = this.owner.name;
    if (message !== undefined) event.message = message;
    this.emit('state', event);
  }

  /** A terminal attached: whatever changed has been seen. */
  seen(): void {
    this.attention = false;
  }

  /** A new run of the program: starting again, hooks not heard yet. */
  restart(): void {
    this.hookDriven = false;
    this.set('starting', 'screen');
  }
}
