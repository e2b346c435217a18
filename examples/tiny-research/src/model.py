import torch.nn as nn
import torchvision


def build_model(name: str, num_classes: int = 10) -> nn.Module:
    if name == "resnet18":
        return torchvision.models.resnet18(num_classes=num_classes)
    raise ValueError(f"unknown model {name}")
