#!/usr/bin/env python3
"""The official SI-UBL 2.0 XSLT (SaxonC-HE, `pip install saxonche`) over a folder, per document,
to compare side by side with `efactuur validate --json --ruleset si-ubl FOLDER`. The XSLT is in the
public repository peppolautoriteit-nl/validation (xsl/si-ubl-2.0.xsl); it is not part of efactuur.

    python3 bench/xslt-folder.py XSLT FOLDER [COUNT]
"""
import glob
import os
import sys
import time

from saxonche import PySaxonProcessor

xslt, folder = sys.argv[1], sys.argv[2]
count = int(sys.argv[3]) if len(sys.argv) > 3 else 300
files = sorted(glob.glob(os.path.join(folder, "*.xml")))[:count]
with PySaxonProcessor(license=False) as processor:
    compiled = processor.new_xslt30_processor().compile_stylesheet(stylesheet_file=xslt)
    compiled.transform_to_string(source_file=files[0])  # warm
    failed = 0
    start = time.perf_counter()
    for path in files:
        try:
            compiled.transform_to_string(source_file=path)
        except Exception:  # the XSLT stops on some documents (a dynamic XPath error): still timed
            failed += 1
    elapsed = time.perf_counter() - start
print("official XSLT: %d documents in %.2f s, %.2f ms per document (%d stopped with an XSLT error)"
      % (len(files), elapsed, elapsed * 1000 / len(files), failed))
