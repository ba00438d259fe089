import socket

from trialsieve.app.server import launch


def test_the_app_says_where_it_runs_and_names_the_share_switch_not_launch(services, capsys):
    """Gradio's own line says to set ``share=True`` in ``launch()``: code a user of ``trialsieve app`` never
    wrote. The app says the URL and the ``--share`` switch instead."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    demo = launch(services, port=port, block=False, quiet=False)
    try:
        said = capsys.readouterr().out
    finally:
        demo.close()
    assert f"Running on http://127.0.0.1:{port}" in said
    assert "--share" in said and "launch()" not in said and "share=True" not in said
