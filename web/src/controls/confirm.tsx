// A confirmation (<dialog>, modal) for anything that touches money or orders: it states what will happen, and acts only
// on the confirm button; Escape or Cancel closes it without acting
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';

export interface Ask {
  title: string;
  /** What will happen, in words */
  body: ComponentChildren;
  confirm: string;
  danger?: boolean;
  run: () => Promise<void> | void;
}

export function ConfirmDialog({ ask, onClose }: { ask: Ask | null; onClose: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (ask && !d.open) d.showModal();
    if (!ask && d.open) d.close();
  }, [ask]);
  const confirm = async () => {
    if (!ask) return;
    setBusy(true);
    try {
      await ask.run();
    } finally {
      setBusy(false);
      onClose();
    }
  };
  return (
    <dialog ref={ref} data-testid="confirm" onClose={onClose} aria-labelledby="confirm-title">
      {ask ? <div>
        <h3 id="confirm-title">{ask.title}</h3>
        <div class="confirm-body" data-testid="confirm-body">{ask.body}</div>
        <div class="controls">
          <button type="button" data-action="cancel-dialog" onClick={onClose} disabled={busy}>Cancel</button>
          <button type="button" class={ask.danger ? 'danger' : 'primary'} data-action="confirm" disabled={busy}
            onClick={() => void confirm()}>{ask.confirm}</button>
        </div>
      </div> : null}
    </dialog>
  );
}

/** [the dialog element to render, a function that opens it] */
export function useConfirm(): [ComponentChildren, (a: Ask) => void] {
  const [ask, setAsk] = useState<Ask | null>(null);
  return [<ConfirmDialog ask={ask} onClose={() => setAsk(null)} />, setAsk];
}
