import argparse

import yaml

from model import build_model


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config", required=True)
    args = parser.parse_args()
    with open(args.config) as f:
        config = yaml.safe_load(f)
    model = build_model(config["model"])
    print(f"training {config['model']} for {config['epochs']} epochs", model.__class__.__name__)


if __name__ == "__main__":
    main()
