"""Packs are read through the board: any member may request, preview and download
its packs; everyone else gets 404 (ownership is part of the query)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from boards.models import Board

from .models import BoardPack


def get_pack_for_user(user, pk: int) -> BoardPack:
    return get_object_or_404(
        BoardPack.objects.select_related("board__partnership", "requested_by"),
        pk=pk,
        board__in=Board.objects.visible_to(user),
    )
