"""The deployment card as HTML: markup and styles only. Every value arrives as text already
worded (report.py) and is escaped here, so nothing a deployment holds becomes markup."""

import html
from collections.abc import Sequence

__all__ = ["card"]

# JupyterLab's own variables, so the card follows the light and dark themes; the fallbacks
# serve other front ends (a plain notebook viewer, a static HTML export).
_FG = "var(--jp-ui-font-color1, inherit)"
_MUTED = "color:var(--jp-ui-font-color2, #888);font-weight:normal"
_CARD = (
    f"font-family:var(--jp-ui-font-family, sans-serif);font-size:var(--jp-ui-font-size1, 13px);"
    f"color:{_FG};background:var(--jp-layout-color1, transparent);"
    "border:1px solid var(--jp-border-color2, #8884);border-radius:4px;padding:8px 12px;"
    "max-width:56em"
)
_HEAD = "display:flex;align-items:center;gap:8px;margin-bottom:4px"
_SECTION = "font-weight:600;margin:10px 0 4px"
# Rendered HTML tables are centred, fixed and right-aligned by JupyterLab: undo that here.
_TABLE = "margin:0;border-collapse:collapse;table-layout:auto;border:none;width:auto"
_ROW = "background:transparent"  # not JupyterLab's zebra rows, which a dark theme overdoes
_TR = f'<tr style="{_ROW}">'
_TH = f"text-align:left;padding:2px 16px 2px 0;border:none;{_MUTED}"
_TD = f"text-align:left;padding:2px 16px 2px 0;border:none;color:{_FG}"
_CODE = (
    "font-family:var(--jp-code-font-family, monospace);font-size:0.95em;"
    "background:var(--jp-layout-color2, #8882);padding:0 3px;border-radius:2px"
)
_STAT = (
    "border:1px solid var(--jp-border-color2, #8884);border-radius:4px;padding:4px 10px;"
    "min-width:6em"
)
_COLORS = {
    "running": "var(--jp-success-color1, #388e3c)",
    "ready": "var(--jp-success-color1, #388e3c)",
    "succeeded": "var(--jp-success-color1, #388e3c)",
    "deploying": "var(--jp-warn-color1, #f57c00)",
    "starting": "var(--jp-warn-color1, #f57c00)",
    "restarting": "var(--jp-warn-color1, #f57c00)",
    "failed": "var(--jp-error-color1, #d32f2f)",
    "unhealthy": "var(--jp-error-color1, #d32f2f)",
    "exited": "var(--jp-error-color1, #d32f2f)",
}

Pairs = Sequence[tuple[str, str]]
Rows = Sequence[Sequence[str]]


def card(
    name: str,
    state: str,
    facts: Pairs,
    window_label: str,
    stats: Pairs,
    totals: str,
    replicas: Rows,
    events: Rows,
) -> str:
    """The whole card. `replicas`: (id, version, state, restarts, started) rows; `events`:
    (time, by, action, version, outcome) rows, in the order shown."""
    head = (
        f'<div style="{_HEAD}"><span style="font-size:1.15em;font-weight:600">'
        f"{_e(name)}</span>{_badge(state)}</div>"
    )
    rows = "".join(
        f'<tr style="{_ROW}"><th style="{_TH}">{_e(label)}</th><td style="{_TD}">'
        + (f'<code style="{_CODE}">{_e(value)}</code>' if label == "Endpoint" else _e(value))
        + "</td></tr>"
        for label, value in facts
    )
    parts = [head, f'<table style="{_TABLE}">{rows}</table>', _traffic(window_label, stats, totals)]
    parts.append(_replicas(replicas))
    parts.append(_events(events))
    return f'<div style="{_CARD}">{"".join(parts)}</div>'


def _traffic(window_label: str, stats: Pairs, totals: str) -> str:
    title = f"Traffic <span style='{_MUTED}'>({_e(window_label)})</span>"
    if not stats:
        return f'<div style="{_SECTION}">{title}</div>'
    blocks = "".join(
        f'<div style="{_STAT}"><div style="{_MUTED}">{_e(k)}</div>'
        f'<div style="font-size:1.3em;font-weight:600">{_e(v)}</div></div>'
        for k, v in stats
    )
    shown = f'<div style="{_MUTED}">{_e(totals)}</div>' if totals else ""
    return (
        f'<div style="{_SECTION}">{title}</div>'
        f'<div style="display:flex;gap:8px;flex-wrap:wrap">{blocks}</div>{shown}'
    )


def _replicas(replicas: Rows) -> str:
    if not replicas:
        return f'<div style="{_SECTION}">Replicas <span style="{_MUTED}">(none)</span></div>'
    rows = "".join(
        _TR
        + _cells(f'<code style="{_CODE}">{_e(id_)}</code>', _e(version), _colored(state))
        + _cells(_e(restarts), _e(started))
        + "</tr>"
        for id_, version, state, restarts, started in replicas
    )
    header = _header("replica", "version", "state", "restarts", "started")
    return _section("Replicas", header + rows)


def _events(events: Rows) -> str:
    if not events:
        return f'<div style="{_SECTION}">Events <span style="{_MUTED}">(none)</span></div>'
    rows = "".join(
        _TR + _cells(*(_e(v) for v in values)) + _cells(_colored(outcome)) + "</tr>"
        for *values, outcome in events
    )
    header = _header("time", "by", "action", "version", "outcome")
    title = f'Recent events <span style="{_MUTED}">(newest first)</span>'
    return _section(title, header + rows)


def _e(value: str) -> str:
    return html.escape(value, quote=True)


def _color(word: str) -> str:
    return _COLORS.get(word, "var(--jp-ui-font-color2, #888)")


def _badge(word: str) -> str:
    color = _color(word)
    return (
        f'<span style="color:{color};border:1px solid {color};border-radius:10px;'
        f'padding:0 8px;font-size:0.9em">{_e(word)}</span>'
    )


def _colored(word: str) -> str:
    return f'<span style="color:{_color(word)};font-weight:600">{_e(word)}</span>'


def _cells(*values: str) -> str:
    return "".join(f'<td style="{_TD}">{v}</td>' for v in values)


def _section(title: str, rows: str) -> str:
    return f'<div style="{_SECTION}">{title}</div><table style="{_TABLE}">{rows}</table>'


def _header(*names: str) -> str:
    return _TR + "".join(f'<th style="{_TH}">{_e(n)}</th>' for n in names) + "</tr>"
