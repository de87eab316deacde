//! Charts where a reader would rather look than read: a component breakdown of a total (GHG
//! emissions by scope, energy by source, waste by kind), a breakdown by an axis (workforce by
//! gender or age), and a single figure over the years (water). Drawn as SVG by esgx: no script,
//! black text on white for print, a palette that stays apart for colour-blind readers, with a
//! title and a text alternative that gives every value.

use super::plan::{Block, Chart, Row, column_of};
use super::words::{Words, display_number};
use crate::report::{FactValue, Report};
use crate::taxonomy::Taxonomy;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::fmt::Write;

/// At most this many charts per section: the ones that say most.
const MAX_CHARTS: usize = 4;
/// Okabe-Ito colours, in an order where neighbours differ in lightness too.
const PALETTE: &[&str] = &["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];

/// The first number of a row in a column, if it has one.
fn value_at(report: &Report, row: &Row, year: NaiveDate) -> Option<Decimal> {
    row.cells.iter().flatten().find_map(|i| {
        let f = &report.facts[*i];
        match (&f.value, column_of(&f.period) == year) {
            (FactValue::Number(n), true) => Some(*n),
            _ => None,
        }
    })
}

fn years_of(report: &Report, rows: &[&Row]) -> Vec<NaiveDate> {
    let mut ys: Vec<NaiveDate> = rows
        .iter()
        .flat_map(|r| r.cells.iter().flatten())
        .filter(|i| matches!(report.facts[**i].value, FactValue::Number(_)))
        .map(|i| column_of(&report.facts[*i].period))
        .collect();
    ys.sort_unstable();
    ys.dedup();
    ys
}

fn chart_of(report: &Report, title: String, rows: &[(&Row, String)], stacked: bool) -> Option<Chart> {
    let only: Vec<&Row> = rows.iter().map(|(r, _)| *r).collect();
    let years = years_of(report, &only);
    let series: Vec<(String, Vec<Option<Decimal>>)> = rows
        .iter()
        .map(|(r, name)| (name.clone(), years.iter().map(|y| value_at(report, r, *y)).collect::<Vec<_>>()))
        .filter(|(_, v)| v.iter().any(Option::is_some))
        .collect();
    let first = rows.first()?.0;
    let same_unit = rows.iter().all(|(r, _)| r.unit == first.unit && r.scale == first.scale);
    if years.is_empty() || !same_unit || series.iter().flat_map(|s| s.1.iter().flatten()).any(|v| v.is_sign_negative())
    {
        return None;
    }
    Some(Chart { title, unit: first.unit.clone(), years, series, stacked, scale: first.scale })
}

pub fn choose(report: &Report, tax: &Taxonomy, w: &Words, blocks: &[Block]) -> Vec<Chart> {
    let rows: Vec<&Row> = blocks
        .iter()
        .filter_map(|b| if let Block::Table(t) = b { Some(t) } else { None })
        .flat_map(|t| t.rows.iter())
        .collect();
    let total = |c: usize| rows.iter().copied().find(|r| r.concept == c && r.depth == 0 && !r.heading);
    let mut charted = std::collections::HashSet::new();
    let mut out = Vec::new();
    // A total and its components.
    for r in rows.iter().filter(|r| r.depth == 0 && !r.heading) {
        let def = &tax.concepts[r.concept].def;
        let parts: Vec<(&Row, String)> = def
            .summation
            .iter()
            .filter_map(|s| tax.concept_index(&s.concept))
            .filter_map(|c| total(c).map(|row| (row, row.label.clone())))
            .collect();
        if parts.len() >= 2
            && let Some(ch) = chart_of(report, r.label.clone(), &parts, true)
        {
            charted.insert(r.concept);
            charted.extend(parts.iter().map(|p| p.0.concept));
            out.push(ch);
        }
    }
    // Breakdowns by one axis, the statement axis aside; those that add up first.
    let mut breakdowns = Vec::new();
    for (i, h) in rows.iter().enumerate().filter(|(_, r)| r.heading && r.depth == 1) {
        let members: Vec<(&Row, String)> = rows[i + 1..]
            .iter()
            .take_while(|r| r.depth >= 2 && r.concept == h.concept)
            .filter(|r| r.member.is_some())
            .map(|r| (*r, r.label.clone()))
            .collect();
        // Leaves only: a parent member is the sum (or the whole) of the others beside it.
        let parent_names: Vec<&str> = members
            .iter()
            .filter_map(|(r, _)| r.member)
            .filter_map(|(a, m)| tax.axes[a].members[m].def.parent.as_deref())
            .collect();
        let members: Vec<(&Row, String)> = members
            .into_iter()
            .filter(|(r, _)| {
                r.member.is_none_or(|(a, m)| !parent_names.contains(&tax.axes[a].members[m].def.name.as_str()))
            })
            .collect();
        let axis = members.first().and_then(|m| m.0.member).map(|m| m.0);
        let Some(axis) = axis else { continue };
        if tax.info.statement_axis.as_deref() == Some(tax.axes[axis].name()) || members.len() < 2 {
            continue;
        }
        let concept = &tax.concepts[h.concept];
        let additive = concept.additive() && tax.axes[axis].def.partition;
        let label = format!("{} — {}", w.pick(&concept.def.labels), h.label);
        if let Some(ch) = chart_of(report, label, &members, additive) {
            let nonzero = ch.series.iter().filter(|s| s.1.iter().flatten().any(|v| !v.is_zero())).count();
            if nonzero >= 2 {
                breakdowns.push((!additive, ch));
            }
        }
    }
    breakdowns.sort_by_key(|b| b.0);
    out.extend(breakdowns.into_iter().map(|b| b.1));
    // A figure of its own over the years.
    for r in rows.iter().filter(|r| r.depth == 0 && !r.heading && !charted.contains(&r.concept)) {
        let c = &tax.concepts[r.concept];
        if c.layer == crate::taxonomy::Layer::Base
            && c.additive()
            && !r.unit.is_empty()
            && !r.unit.contains('/')
            && let Some(ch) = chart_of(report, r.label.clone(), &[(r, r.label.clone())], false)
            && ch.years.len() >= 2
        {
            out.push(ch);
        }
    }
    out.truncate(MAX_CHARTS);
    out
}

/// The chart's text alternative: what it shows, every value, in words.
pub fn alt_text(ch: &Chart, w: &Words) -> String {
    let mut s = ch.title.to_string();
    if !ch.unit.is_empty() {
        let _ = write!(s, " ({})", ch.unit);
    }
    s.push_str(": ");
    let parts: Vec<String> = ch
        .years
        .iter()
        .enumerate()
        .map(|(yi, y)| {
            let vals: Vec<String> = ch
                .series
                .iter()
                .filter_map(|(name, v)| v[yi].map(|x| format!("{name} {}", fmt(x, ch.scale))))
                .collect();
            format!("{} {}", w.year(*y), vals.join(", "))
        })
        .collect();
    s.push_str(&parts.join("; "));
    s
}

fn fmt(v: Decimal, scale: i32) -> String {
    let (t, neg) = display_number(v, None, scale);
    let t = if scale == -2 { format!("{t}%") } else { t };
    if neg { format!("−{t}") } else { t }
}

/// A round step for about five gridlines up to `max`.
fn nice_step(max: f64) -> f64 {
    let raw = max / 5.0;
    let mag = 10f64.powf(raw.log10().floor());
    let n = raw / mag;
    let step = if n <= 1.0 {
        1.0
    } else if n <= 2.0 {
        2.0
    } else if n <= 2.5 {
        2.5
    } else if n <= 5.0 {
        5.0
    } else {
        10.0
    };
    step * mag
}

fn esc(s: &str) -> String {
    crate::xml::escape(s)
}

/// The chart as a standalone SVG document. Drawing positions are the only floating-point
/// numbers esgx computes: values are printed from the exact decimals.
pub fn svg(ch: &Chart, w: &Words, id: &str) -> (String, u32) {
    let (width, left, right, top) = (720.0, 70.0, 16.0, 50.0);
    // Room for the legend: two lines fit the base height, each further line adds one.
    let lines = legend(&mut String::new(), ch, left, 0.0, width - right);
    let bottom = 76.0 + 16.0 * lines.saturating_sub(2) as f64;
    let height = 330.0 + 16.0 * lines.saturating_sub(2) as f64;
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let factor = if ch.scale == -2 { 100.0 } else { 10f64.powi(-ch.scale) };
    let num = |v: Decimal| v.to_f64().unwrap_or(0.0) * factor;
    let bar_total = |yi: usize| ch.series.iter().filter_map(|s| s.1[yi]).map(num).sum::<f64>();
    let max = (0..ch.years.len())
        .map(|yi| {
            if ch.stacked {
                bar_total(yi)
            } else {
                ch.series.iter().filter_map(|s| s.1[yi]).map(num).fold(0.0, f64::max)
            }
        })
        .fold(0.0, f64::max);
    let step = if max > 0.0 { nice_step(max) } else { 1.0 };
    let top_val = (max / step).ceil().max(1.0) * step;
    let y = |v: f64| top + plot_h - v / top_val * plot_h;
    let mut s = String::with_capacity(4096);
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="img" aria-labelledby="{id}-t {id}-d" font-family="'Noto Sans CJK SC','Noto Sans CJK TC','Noto Sans',Arial,Helvetica,sans-serif" font-size="12"><title id="{id}-t">{}</title><desc id="{id}-d">{}</desc><rect width="100%" height="100%" fill="#ffffff"/>"##,
        esc(&ch.title),
        esc(&alt_text(ch, w))
    );
    let _ = write!(
        s,
        r##"<text x="{left}" y="22" font-size="15" font-weight="bold" fill="#111">{}</text>"##,
        esc(&ch.title)
    );
    if !ch.unit.is_empty() || ch.scale == -2 {
        let unit = if ch.scale == -2 { "%".to_string() } else { ch.unit.clone() };
        let _ = write!(s, r##"<text x="{left}" y="40" fill="#444">{}</text>"##, esc(&unit));
    }
    // Gridlines and their values.
    let mut v = 0.0;
    while v <= top_val + step / 2.0 {
        let yy = y(v);
        let _ = write!(
            s,
            r##"<line x1="{left}" x2="{}" y1="{yy:.1}" y2="{yy:.1}" stroke="{}" stroke-width="1"/><text x="{}" y="{:.1}" text-anchor="end" fill="#444">{}</text>"##,
            width - right,
            if v == 0.0 { "#333" } else { "#ddd" },
            left - 6.0,
            yy + 4.0,
            axis_label(v, step)
        );
        v += step;
    }
    bars(&mut s, ch, w, (left, plot_w), &y, &num);
    legend(&mut s, ch, left, top + plot_h + 42.0, width - right);
    s.push_str("</svg>");
    (s, height as u32)
}

fn axis_label(v: f64, step: f64) -> String {
    let digits = if step >= 1.0 { 0 } else { (-step.log10().floor()) as usize + 1 };
    let t = format!("{v:.digits$}");
    match Decimal::from_str_exact(&t) {
        Ok(d) => display_number(d, None, 0).0,
        Err(_) => t,
    }
}

fn bars(
    s: &mut String,
    ch: &Chart,
    w: &Words,
    (left, plot_w): (f64, f64),
    y: &dyn Fn(f64) -> f64,
    num: &dyn Fn(Decimal) -> f64,
) {
    let n_years = ch.years.len() as f64;
    let slot = plot_w / n_years;
    let group_w = slot * 0.7;
    let per_bar = if ch.stacked { group_w } else { group_w / ch.series.len() as f64 };
    for (yi, year) in ch.years.iter().enumerate() {
        let x0 = left + slot * yi as f64 + (slot - group_w) / 2.0;
        let mut base = 0.0;
        for (si, (_, vals)) in ch.series.iter().enumerate() {
            let Some(v) = vals[yi] else { continue };
            let h = num(v);
            let (bx, from, to) = if ch.stacked { (x0, base, base + h) } else { (x0 + per_bar * si as f64, 0.0, h) };
            let colour = PALETTE[si % PALETTE.len()];
            let _ = write!(
                s,
                r##"<rect x="{bx:.1}" y="{:.1}" width="{:.1}" height="{:.1}" fill="{colour}"/>"##,
                y(to),
                (per_bar - 2.0).max(1.0),
                (y(from) - y(to)).max(0.0)
            );
            // Values on grouped bars (stacked ones get their total above the stack).
            if !ch.stacked && per_bar >= 34.0 {
                let _ = write!(
                    s,
                    r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="11" fill="#222">{}</text>"##,
                    bx + (per_bar - 2.0) / 2.0,
                    y(to) - 4.0,
                    fmt(v, ch.scale)
                );
            }
            base = to;
        }
        if ch.stacked {
            let total: Decimal = ch.series.iter().filter_map(|s| s.1[yi]).sum();
            let _ = write!(
                s,
                r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" font-size="11" font-weight="bold" fill="#222">{}</text>"##,
                x0 + group_w / 2.0,
                y(base) - 4.0,
                fmt(total, ch.scale)
            );
        }
        let _ = write!(
            s,
            r##"<text x="{:.1}" y="{:.1}" text-anchor="middle" fill="#111">{}</text>"##,
            x0 + group_w / 2.0,
            y(0.0) + 16.0,
            esc(&w.year(*year))
        );
    }
}

/// Draw the legend from its first line's baseline `y`; returns how many lines it took.
fn legend(s: &mut String, ch: &Chart, left: f64, y: f64, right_edge: f64) -> usize {
    if ch.series.len() < 2 {
        return 0;
    }
    let mut lines = 1;
    let mut x = left;
    let mut row_y = y;
    for (si, (name, _)) in ch.series.iter().enumerate() {
        let approx = 22.0 + name.chars().map(|c| if c.is_ascii() { 6.6 } else { 12.0 }).sum::<f64>();
        if x + approx > right_edge && x > left {
            x = left;
            row_y += 16.0;
            lines += 1;
        }
        let _ = write!(
            s,
            r##"<rect x="{x:.1}" y="{:.1}" width="11" height="11" fill="{}"/><text x="{:.1}" y="{:.1}" fill="#222">{}</text>"##,
            row_y - 10.0,
            PALETTE[si % PALETTE.len()],
            x + 15.0,
            row_y,
            esc(name)
        );
        x += approx + 14.0;
    }
    lines
}
