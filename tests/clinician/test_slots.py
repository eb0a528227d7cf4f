"""The preview's server-wide slots (attack-on-the-running-stack.md, F5 and F6): a try never waits
behind a "What changed" upload, and a slot whose holder dies is free again at once."""

from __future__ import annotations

import io
import multiprocessing
import os
import signal
import threading

from pages import csrf_token

from questionnaire.web.slots import Slot

FORK = multiprocessing.get_context("fork")


def try_upload(client, content: bytes):
    token = csrf_token(client.get("/clinician/try").get_data(as_text=True))
    return client.post(
        "/clinician/try",
        data={"csrf_token": token, "answers_file": (io.BytesIO(content), "answers.yaml")},
        content_type="multipart/form-data",
    )


def test_a_try_goes_ahead_while_a_comparison_holds_its_slot(app, client):
    held = app.extensions["try_slots"].compare.take()  # another clinician's upload is running
    assert held is not None
    with held:
        response = try_upload(client, b"warning_signs: [bladder_bowel]\n")

    assert response.status_code == 200


def test_a_comparison_while_another_runs_is_told_to_send_again(app, client):
    held = app.extensions["try_slots"].compare.take()
    assert held is not None
    with held:
        token = csrf_token(client.get("/clinician/changes").get_data(as_text=True))
        busy = client.post(
            "/clinician/changes",
            data={"csrf_token": token, "rules_file": (io.BytesIO(b"x: 1\n"), "old.yaml")},
            content_type="multipart/form-data",
        )

    assert busy.status_code == 503
    assert busy.headers["Retry-After"] == "5"
    assert b"Send it again in a moment" in busy.data


def _hold_forever(slot: Slot, ready) -> None:
    held = slot.take()
    ready.send(held is not None)
    threading.Event().wait(60)


def test_a_slot_whose_holder_is_killed_is_free_again():
    """SIGKILL (the OOM killer) runs no cleanup; the kernel still drops the holder's lock."""
    slot = Slot("test")
    reader, writer = FORK.Pipe(duplex=False)
    holder = FORK.Process(target=_hold_forever, args=(slot, writer), daemon=True)
    holder.start()
    try:
        assert reader.recv() is True
        assert slot.take() is None, "the holder has it"
        os.kill(holder.pid, signal.SIGKILL)
        holder.join(5)
        again = slot.take(wait=2.0)
        assert again is not None, "the slot leaked with its dead holder"
        again.release()
    finally:
        if holder.is_alive():
            holder.kill()


def _sleep(ready) -> None:
    ready.send(True)  # the target runs after the fork's handlers
    threading.Event().wait(60)


def test_a_child_forked_by_the_holder_does_not_keep_the_slot():
    """The comparison runs in a forked child, which may outlive its parent's hold."""
    slot = Slot("test")
    held = slot.take()
    assert held is not None
    reader, writer = FORK.Pipe(duplex=False)
    child = FORK.Process(target=_sleep, args=(writer,), daemon=True)
    child.start()
    try:
        assert reader.recv() is True
        held.release()
        again = slot.take()
        assert again is not None, "the child kept the slot"
        again.release()
    finally:
        child.kill()
        child.join(5)


def test_threads_of_one_process_share_a_slot_and_a_waiting_try_gets_it():
    slot = Slot("test")
    held = slot.take()
    assert held is not None
    got: list[object] = []
    waiter = threading.Thread(target=lambda: got.append(slot.take(wait=3.0)))
    waiter.start()
    threading.Event().wait(0.2)
    assert not got, "a second thread took a held slot"
    held.release()
    waiter.join(5)
    assert got and got[0] is not None
    got[0].release()
