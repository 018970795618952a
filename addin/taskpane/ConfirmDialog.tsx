import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  DialogTrigger,
} from '@fluentui/react-components';
import type { ReactElement, ReactNode } from 'react';

/**
 * The pane's one confirmation shape: a trigger button opens a dialog with a title, what is about to
 * happen, a primary button that does it, and Cancel. `alert` (the default) for what cannot be undone.
 */
export interface ConfirmDialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The button that opens the dialog. */
  trigger: ReactElement;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  /** While the action runs (or before a choice is made). */
  confirmDisabled: boolean;
  cancelLabel: string;
  cancelDisabled?: boolean;
  modalType?: 'alert' | 'modal';
}

export function ConfirmDialog(props: ConfirmDialogProps): ReactElement {
  return (
    <Dialog
      modalType={props.modalType ?? 'alert'}
      open={props.open}
      onOpenChange={(_event, data) => {
        props.onOpenChange(data.open);
      }}
    >
      <DialogTrigger disableButtonEnhancement>{props.trigger}</DialogTrigger>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{props.title}</DialogTitle>
          <DialogContent>{props.children}</DialogContent>
          <DialogActions>
            <Button appearance="primary" disabled={props.confirmDisabled} onClick={props.onConfirm}>
              {props.confirmLabel}
            </Button>
            <DialogTrigger disableButtonEnhancement>
              <Button appearance="secondary" disabled={props.cancelDisabled ?? false}>
                {props.cancelLabel}
              </Button>
            </DialogTrigger>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
