"""HTML is compressed for browsers that ask, without making the CSRF token guessable (BREACH):
the token is masked afresh for every response and Django pads the compressed body randomly."""

import gzip
import re

import pytest

from tests import answers as people
from tests.journey import finish, url

pytestmark = pytest.mark.usefixtures("loaded_rules")
TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_pages_are_gzip_compressed_when_the_browser_accepts_it(client):
    page = finish(client, people.TYPE1_DIABETES)
    compressed = client.get(page.request["PATH_INFO"], HTTP_ACCEPT_ENCODING="gzip, br")
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    html = gzip.decompress(compressed.content)
    assert b"Your information summary" in html
    assert len(compressed.content) < len(html) / 2
    plain = client.get(page.request["PATH_INFO"])
    assert not plain.has_header("Content-Encoding")


def test_the_csrf_token_differs_in_every_compressed_response(client):
    bodies = [
        gzip.decompress(client.get(url("condition"), HTTP_ACCEPT_ENCODING="gzip").content)
        for _ in range(3)
    ]
    tokens = {TOKEN.search(body).group(1) for body in bodies}
    assert len(tokens) == 3


def test_identical_pages_do_not_compress_to_identical_bytes(client):
    """Django's "Heal the BREACH" padding: the compressed length varies between responses."""
    sizes = {len(client.get("/", HTTP_ACCEPT_ENCODING="gzip").content) for _ in range(8)}
    assert len(sizes) > 1
