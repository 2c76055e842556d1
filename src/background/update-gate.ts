/**
 * An extension update reloads every context, which would end a call and drop
 * the registration. Chrome applies an update at once when nothing holds it
 * back; we hold it (by listening to onUpdateAvailable) until the phone is idle:
 * no call ringing or in progress.
 */
import { hasAnyCall, type Snapshot } from '../shared/snapshot';

export class UpdateGate {
  private pending = false;

  constructor(
    private readonly snapshot: () => Snapshot,
    private readonly reload: () => void,
  ) {}

  onUpdateAvailable(): void {
    this.pending = true;
    this.reloadIfIdle();
  }

  /** Called on every snapshot change. */
  reloadIfIdle(): void {
    if (this.pending && !hasAnyCall(this.snapshot())) {
      this.pending = false;
      this.reload();
    }
  }
}
