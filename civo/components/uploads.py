"""An image upload zone: a button that opens the file chooser (no drag-and-drop needed),
checked and re-encoded on the server; its hidden file input gets an accessible name."""

from __future__ import annotations

import reflex as rx

from civo.components.i18n import t

IMAGE_TYPES = {"image/jpeg": [".jpg", ".jpeg"], "image/png": [".png"],
               "image/webp": [".webp"], "image/gif": [".gif"]}


def image_upload(upload_id: str, button_label: str, on_drop, *,
                 describedby: str | None = None, name: str | None = None) -> rx.Component:
    """``on_drop``: the state's upload handler (it receives the chosen file); ``name``:
    the file input's accessible name (msgid; the button's text by default)."""
    return rx.box(
        rx.upload.root(
            rx.button(rx.icon("image-plus", aria_hidden="true"), t(button_label),
                      type="button", variant="soft", high_contrast=True,
                      aria_describedby=describedby),
            id=upload_id, accept=IMAGE_TYPES, max_files=1, multiple=False, no_drag=True,
            on_drop=on_drop(rx.upload_files(upload_id=upload_id)),
        ),
        # assets/civo.js names the drop zone's file input after this.
        data_file_label=t(name or button_label), display="inline-block",
    )
