#!/usr/bin/env python3
"""Writes solid_electrolyte_note.pdf: a two-page PDF 1.4 file with a text layer (Helvetica,
WinAnsiEncoding) and a document information dictionary. The text is our own (see SOURCES.md).
Run: python3 make_pdf.py > solid_electrolyte_note.pdf"""
import sys

INFO = {
    "Title": "Tantalum-doped garnet electrolytes for lithium metal cells",
    "Author": "A. Example; B. Sample",
    "Subject": "Journal of Test Materials, 12 (2024) 101-104. doi:10.5555/pb.mining.0001",
    "Creator": "tests/data/mining/make_pdf.py",
}
PAGES = [
    [
        "Tantalum-doped garnet electrolytes for lithium metal cells",
        "",
        "Abstract",
        "Cubic Li6.4La3Zr1.4Ta0.6O12 (LLZTO) pellets were sintered at 1150 \xb0C for 12 h in air.",
        "The total ionic conductivity was 6.1 \xd7 10^-4 S cm-1 at 25 \xb0C with an activa-",
        "tion energy of 0.41 eV.",
        "",
        "1. Introduction",
        "Garnet-type oxides such as LLZO are candidate solid electrolytes, e.g. for",
        "all-solid-state batteries with lithium metal anodes.",
    ],
    [
        "2. Results",
        "The bulk conductivity reached 8.2 \xd7 10^-4 S cm-1 while the grain boundary",
        "conductivity was 1.9 \xd7 10^-4 S cm-1 at 25 \xb0C.",
        "",
        "Fig. 1. Arrhenius plot of LLZTO between 25 and 100 \xb0C.",
        "",
        "References",
        "[1] This reference list is not part of the text.",
    ],
]


def escape(s):
    return s.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def main():
    objects = []  # bodies; object i+1

    def add(body):
        objects.append(body)
        return len(objects)

    catalog = add(None)
    pages = add(None)
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    page_ids = []
    for lines in PAGES:
        ops = ["BT", "/F1 11 Tf", "14 TL", "72 770 Td"]
        for line in lines:
            ops.append("(%s) Tj T*" % escape(line))
        ops.append("ET")
        stream = "\n".join(ops).encode("cp1252")
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        page_ids.append(add(("<< /Type /Page /Parent %d 0 R /MediaBox [0 0 612 842] "
                             "/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>"
                             % (pages, font, content)).encode()))
    objects[catalog - 1] = ("<< /Type /Catalog /Pages %d 0 R >>" % pages).encode()
    objects[pages - 1] = ("<< /Type /Pages /Kids [%s] /Count %d >>"
                          % (" ".join("%d 0 R" % p for p in page_ids), len(page_ids))).encode()
    info = add(("<< %s >>" % " ".join("/%s (%s)" % (k, escape(v)) for k, v in INFO.items()))
               .encode("cp1252"))
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += (b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objects) + 1, catalog, info, xref))
    sys.stdout.buffer.write(bytes(out))


main()
