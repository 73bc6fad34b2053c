"""Stored file contents behind file_ids, served for getFile downloads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Smallest well-formed-looking stand-ins, so downloads of user media return real bytes.
PLACEHOLDER_JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
PLACEHOLDER_OGG = b"OggS\x00\x02" + b"\x00" * 20
PLACEHOLDER_WEBP = b"RIFF\x1a\x00\x00\x00WEBPVP8 " + b"\x00" * 14


@dataclass(slots=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    mime_type: str
    file_name: str | None = None
    url: str | None = None

    def file_object(self) -> dict[str, Any]:
        """The Bot API ``File`` for getFile."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.content),
            "file_path": self.file_path,
        }


class FileStore:
    """File ids are deterministic counters so transcripts and tests stay reproducible."""

    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._counter = 0

    def add(
        self,
        content: bytes,
        *,
        folder: str,
        extension: str,
        mime_type: str,
        file_name: str | None = None,
        url: str | None = None,
    ) -> StoredFile:
        self._counter += 1
        n = self._counter
        stored = StoredFile(
            file_id=f"{folder[:3].upper()}-{n:08d}",
            file_unique_id=f"U{n:08d}",
            file_path=f"{folder}/file_{n}.{extension}",
            content=content,
            mime_type=mime_type,
            file_name=file_name,
            url=url,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def alias(self, stored: StoredFile, suffix: str) -> str:
        """A second file_id for the same content (e.g. a photo's smaller size)."""
        file_id = f"{stored.file_id}-{suffix}"
        self._by_id[file_id] = stored
        return file_id

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)


def photo_sizes(store: FileStore, stored: StoredFile) -> list[dict[str, Any]]:
    """A photo as Telegram returns it: several sizes, the largest last."""
    size = len(stored.content)
    return [
        {"file_id": store.alias(stored, "s"), "file_unique_id": f"{stored.file_unique_id}s",
         "file_size": size, "width": 90, "height": 90},
        {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
         "file_size": size, "width": 800, "height": 600},
    ]  # fmt: skip
