from src.model import build_model


def test_resnet18_builds():
    assert build_model("resnet18") is not None
