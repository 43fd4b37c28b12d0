"""New items' ids in the forms (the `item-id` widget asks the server) and a missing photo, without a
browser: the id is the month and the pinyin of the title, valid and free in its folder; the form's
id field never reaches the file; a photo that is not there is a Chinese 404, never decap-server's 500."""

from __future__ import annotations

import json
import re
import shutil

from campaignkit.content.schema import ID_RE
from campaignkit.editing import decap_config as decap
from campaignkit.editing import form_input
from campaignkit.editing import forms as admin
from tests.conftest import SAMPLE_CONTENT
from tests.test_forms_config import OWN


def ask(routes, body: dict):
    own = {**OWN, "CONTENT_TYPE": "application/json", "HTTP_X_CAMPAIGNKIT_TOKEN": routes.token}
    reply = routes.respond("POST", admin.API, json.dumps(body).encode(), environ=own)
    return reply.status, json.loads(reply.body)


def test_a_new_item_is_offered_a_readable_id_free_in_its_folder(tmp_path):
    shutil.copytree(SAMPLE_CONTENT, tmp_path / "content")
    routes = admin.AdminRoutes(tmp_path / "content")
    params = {"collection": "cases", "text": "新泰仓库飞线充电", "date": "2026-12-05"}
    status, answer = ask(routes, {"action": admin.SUGGEST_ID, "params": params})
    assert status == 200 and answer["id"] == "2026-12-xintai-cangku-feixian-chongdian"
    assert re.match(ID_RE, answer["id"])
    (tmp_path / "content/cases" / (answer["id"] + ".yml")).write_text("title: 已有\n", encoding="utf-8")
    assert ask(routes, {"action": admin.SUGGEST_ID, "params": params})[1]["id"] == answer["id"] + "-2"
    long = ask(routes, {"action": admin.SUGGEST_ID, "params": {**params, "text": "宿舍三楼窗口拉线给电动车充电被当场制止"}})
    assert len(long[1]["id"]) <= len("2026-12-") + admin.ID_LETTERS  # short, whatever the title's length
    assert ask(routes, {"action": admin.SUGGEST_ID, "params": {**params, "text": "  "}}) == (200, {"id": ""})
    # a patrol round, which has no title: the widget sends its number after the prefix
    (patrol_id,) = [c["fields"][0] for c in decap.config()["collections"] if c["name"] == "patrols"]
    assert (patrol_id["source_fields"], patrol_id["prefix"]) == (["round"], "round")
    round_11 = {"collection": "patrols", "text": "round 11", "date": "2026-12-06"}
    assert ask(routes, {"action": admin.SUGGEST_ID, "params": round_11})[1]["id"] == "2026-12-round-11"
    assert ask(routes, {"action": admin.SUGGEST_ID, "params": {**params, "collection": "../x"}})[0] == 400
    assert routes.proxy.process is None  # answered by the kit, never forwarded


def test_every_collection_names_new_files_by_the_id_field():
    for collection in decap.config()["collections"]:
        if "folder" in collection:
            assert collection["slug"] == "{{fields.id}}"
            assert collection["fields"][0]["widget"] == "item-id", collection["name"]


def test_the_forms_id_field_never_reaches_the_file():
    request = {
        "action": "persistEntry",
        "params": {"dataFiles": [{"path": "cases/2026-12-x.yml", "raw": "id: 2026-12-x\ntitle: 标题\n"}]},
    }
    assert form_input.normalise(request)
    assert request["params"]["dataFiles"][0]["raw"] == "title: 标题\n"


def test_a_missing_photo_is_a_chinese_404():
    routes = admin.AdminRoutes(SAMPLE_CONTENT)
    status, answer = ask(routes, {"action": "getMediaFile", "params": {"path": "media/cases/IMG_0000.JPG"}})
    assert status == 404 and "找不到照片 media/cases/IMG_0000.JPG" in answer["error"]
    assert routes.proxy.process is None


def test_kinds_without_a_date_are_named_by_their_title_alone(tmp_path):
    """An enterprise or a person has no date: its id is the pinyin of its name, as the sample's are."""
    shutil.copytree(SAMPLE_CONTENT, tmp_path / "content")
    routes = admin.AdminRoutes(tmp_path / "content")
    params = {"collection": "enterprises", "text": "新安纸品", "date": ""}
    assert ask(routes, {"action": admin.SUGGEST_ID, "params": params})[1]["id"] == "xinan-zhipin"
