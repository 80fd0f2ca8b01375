"""Speed of wce_c against its peers: the same as ``python -m wce_c bench`` (see --help)."""

import sys

from wce_c._bench import main

if __name__ == "__main__":
    sys.exit(main())
