//! The filing people read: `report.xhtml`, an Inline XBRL 1.1 page with every fact of the report
//! tagged where a reader sees it. A cover, one section per aspect in the taxonomy's presentation
//! order with tables (the reporting year beside the comparatives, breakdowns indented), charts
//! and narrative disclosures, the sources each figure is numbered to, and a content index of the
//! framework's requirements. Facts no table shows go in `ix:hidden`; contexts, units and the
//! fact-footnote relationships in `ix:resources`.
//!
//! The page is planned first (indexes only, see [`plan`]) and then streamed to the writer.
//!
//! Charts are SVG documents drawn by esgx and embedded as `img` data URLs: the XHTML 1.1 schema
//! an Inline XBRL processor validates the page against has no place for inline `svg` elements
//! (ESEF's rule, too: images embedded as data URLs). Each has an SVG `title` and `desc`, and
//! the `img` an `alt` text that gives every value.

mod charts;
mod plan;
pub(crate) mod words;

use super::xbrl_xml::aspects;
use super::{Filing, Sink, Writer};
use crate::ns::{IX, IXT, LINK, XBRLI, XHTML, XLINK};
use crate::ns::{XBRLDI, XSI};
use crate::report::{Fact, FactValue, Period, Report};
use crate::taxonomy::source::DataType;
use crate::xml::{escape, escape_text};
use plan::{Block, Plan, Row, Table};
use std::io::{self, Write};
use words::{Words, display_number};

/// The file name of the page in an export.
pub const PAGE_FILE: &str = "report.xhtml";

/// The writer of the Inline XBRL page.
pub struct Ixbrl;

impl Writer for Ixbrl {
    fn name(&self) -> &'static str {
        "ixbrl"
    }
    fn describe(&self) -> &'static str {
        "Inline XBRL 1.1 page for people, report.xhtml"
    }
    fn write(&self, filing: &Filing<'_>, sink: &mut dyn Sink) -> io::Result<()> {
        if filing.rendered.is_some() {
            let bytes = filing.page()?;
            return sink.file(PAGE_FILE, self.name(), &mut |w| w.write_all(&bytes));
        }
        sink.file(PAGE_FILE, self.name(), &mut |w| write_page(filing, w))
    }
}

struct Page<'a, 'w> {
    f: &'a Filing<'a>,
    r: &'a Report,
    w: &'static Words,
    plan: Plan,
    contexts: Vec<String>,
    out: io::BufWriter<&'w mut dyn Write>,
    charts: usize,
}

/// Write the page for `filing` to `out`.
pub fn write_page(filing: &Filing<'_>, out: &mut dyn Write) -> io::Result<()> {
    let w = words::words(filing.lang);
    let plan = plan::plan(filing.report, filing.taxonomy, w);
    let a = aspects(filing.report);
    let contexts = a.fact_contexts.iter().map(|c| a.contexts[*c].2.clone()).collect();
    let mut p = Page { f: filing, r: filing.report, w, plan, contexts, out: io::BufWriter::new(out), charts: 0 };
    p.head()?;
    p.header(&a)?;
    p.cover()?;
    for si in 0..p.plan.sections.len() {
        p.section(si)?;
    }
    p.hidden_sources()?;
    p.content_index()?;
    p.s("</div></body></html>\n")?;
    p.out.flush()
}

impl Page<'_, '_> {
    fn s(&mut self, s: &str) -> io::Result<()> {
        self.out.write_all(s.as_bytes())
    }
    /// Text content, escaped; a carriage return kept as a reference (a parser would drop it raw).
    fn t(&mut self, s: &str) -> io::Result<()> {
        let e = escape_text(s);
        if e.contains('\r') { self.s(&e.replace('\r', "&#13;")) } else { self.s(&e) }
    }
    fn a(&mut self, s: &str) -> io::Result<()> {
        self.s(&escape(s))
    }

    fn head(&mut self) -> io::Result<()> {
        let w = self.w;
        write!(
            self.out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<html xmlns=\"{XHTML}\" xmlns:ix=\"{IX}\" xmlns:ixt=\"{IXT}\" xmlns:xbrli=\"{XBRLI}\" xmlns:link=\"{LINK}\" xmlns:xlink=\"{XLINK}\" xmlns:xbrldi=\"{XBRLDI}\" xmlns:xsi=\"{XSI}\""
        )?;
        let fixed = ["ix", "ixt", "xbrli", "link", "xlink", "xbrldi", "xsi", "xml", "xmlns"];
        for (p, ns) in &self.r.namespaces {
            if !fixed.contains(&p.as_str()) {
                write!(self.out, " xmlns:{p}=\"{}\"", escape(ns))?;
            }
        }
        write!(
            self.out,
            " xml:lang=\"{}\">\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\"/>\n<title>",
            w.lang
        )?;
        let name = self.entity_name();
        self.t(&format!("{name} — {}", w.title))?;
        self.s("</title>\n<style type=\"text/css\">")?;
        self.s(CSS)?;
        self.s("</style>\n</head>\n<body>\n")
    }

    fn entity_name(&self) -> String {
        let e = &self.r.entity;
        if e.name.is_empty() { e.identifier.clone() } else { e.name.clone() }
    }

    /// `ix:header`: hidden facts, the schema reference, contexts, units and footnote links.
    fn header(&mut self, a: &super::xbrl_xml::Aspects<'_>) -> io::Result<()> {
        self.s("<div style=\"display:none\"><ix:header>\n")?;
        let mut hidden = self.plan.hidden.clone();
        hidden.extend(self.plan.repeats.values().flatten().copied());
        hidden.sort_unstable();
        if !hidden.is_empty() {
            self.s("<ix:hidden>\n")?;
            for i in hidden {
                self.fact(i, 0, true)?;
                self.s("\n")?;
            }
            self.s("</ix:hidden>\n")?;
        }
        self.s("<ix:references>")?;
        write!(self.out, "<link:schemaRef xlink:type=\"simple\" xlink:href=\"{}\"/>", escape(&self.r.schema_ref))?;
        self.s("</ix:references>\n<ix:resources>\n")?;
        let container = match self.r.dimension_container {
            crate::report::DimensionContainer::Scenario => "xbrli:scenario",
            crate::report::DimensionContainer::Segment => "xbrli:segment",
        };
        let (scheme, ident) = (escape(&self.r.entity.scheme), escape_text(&self.r.entity.identifier));
        for (period, dims, id) in &a.contexts {
            write!(
                self.out,
                "<xbrli:context id=\"{id}\"><xbrli:entity><xbrli:identifier scheme=\"{scheme}\">{ident}</xbrli:identifier>"
            )?;
            let members = |out: &mut io::BufWriter<&mut dyn Write>| -> io::Result<()> {
                write!(out, "<{container}>")?;
                for (axis, member) in dims.iter() {
                    write!(out, "<xbrldi:explicitMember dimension=\"{axis}\">{member}</xbrldi:explicitMember>")?;
                }
                write!(out, "</{container}>")
            };
            if !dims.is_empty() && container == "xbrli:segment" {
                members(&mut self.out)?;
            }
            self.s("</xbrli:entity><xbrli:period>")?;
            match period {
                Period::Instant(d) => write!(self.out, "<xbrli:instant>{d}</xbrli:instant>")?,
                Period::Duration { start, end } => {
                    write!(self.out, "<xbrli:startDate>{start}</xbrli:startDate><xbrli:endDate>{end}</xbrli:endDate>")?
                }
            }
            self.s("</xbrli:period>")?;
            if !dims.is_empty() && container == "xbrli:scenario" {
                members(&mut self.out)?;
            }
            self.s("</xbrli:context>\n")?;
        }
        for u in &a.units {
            write!(self.out, "<xbrli:unit id=\"{}\">", escape(&u.id))?;
            let measures = |out: &mut io::BufWriter<&mut dyn Write>, ms: &[crate::report::QName]| -> io::Result<()> {
                ms.iter().try_for_each(|m| write!(out, "<xbrli:measure>{m}</xbrli:measure>"))
            };
            if u.denominator.is_empty() {
                measures(&mut self.out, &u.numerator)?;
            } else {
                self.s("<xbrli:divide><xbrli:unitNumerator>")?;
                measures(&mut self.out, &u.numerator)?;
                self.s("</xbrli:unitNumerator><xbrli:unitDenominator>")?;
                measures(&mut self.out, &u.denominator)?;
                self.s("</xbrli:unitDenominator></xbrli:divide>")?;
            }
            self.s("</xbrli:unit>\n")?;
        }
        for n in 0..self.plan.notes.len() {
            let note = &self.plan.notes[n];
            let from: Vec<&str> = note.facts.iter().map(|i| self.r.facts[*i].id.as_str()).collect();
            let line = format!("<ix:relationship fromRefs=\"{}\" toRefs=\"{}\"/>\n", from.join(" "), note.id);
            self.s(&line)?;
        }
        self.s("</ix:resources>\n</ix:header></div>\n")
    }

    fn cover(&mut self) -> io::Result<()> {
        let (w, tax) = (self.w, self.f.taxonomy);
        self.s("<div class=\"page\">\n<div class=\"cover\">\n<p class=\"kicker\">")?;
        self.t(&self.entity_name())?;
        self.s("</p>\n<h1>")?;
        self.t(w.title)?;
        self.s("</h1>\n<p class=\"subtitle\">")?;
        self.t(w.subtitle)?;
        self.s("</p>\n<table class=\"about\">\n")?;
        let e = &self.r.entity;
        let entity = format!("{} ({} {})", self.entity_name(), e.identifier, e.scheme);
        let period = reporting_period(self.r).map(|p| match p {
            Period::Instant(d) => w.date(d),
            Period::Duration { start, end } => w.span(start, end),
        });
        let framework = self.r.framework.as_ref().map(|id| {
            tax.info.frameworks.iter().find(|f| &f.id == id).map_or(id.clone(), |f| format!("{} ({id})", f.title))
        });
        let taxonomy = format!("{} {} — {}", tax.info.name, tax.info.version, w.unofficial);
        let generator = format!("esgx {}", env!("CARGO_PKG_VERSION"));
        let items = [
            (w.entity, Some(entity)),
            (w.period, period),
            (w.framework, framework),
            (w.taxonomy, Some(taxonomy)),
            (w.generator, Some(generator)),
        ];
        for (k, v) in items {
            if let Some(v) = v {
                self.s("<tr><th>")?;
                self.t(k)?;
                self.s("</th><td>")?;
                self.t(&v)?;
                self.s("</td></tr>\n")?;
            }
        }
        self.s("</table>\n<p class=\"note-about\">")?;
        self.t(w.about)?;
        self.s("</p>\n</div>\n<div class=\"toc\"><h2>")?;
        self.t(w.contents)?;
        self.s("</h2><ol>\n")?;
        for si in 0..self.plan.sections.len() {
            let (id, title) = (self.plan.sections[si].id.clone(), self.plan.sections[si].title.clone());
            write!(self.out, "<li><a href=\"#s-{}\">", escape(&id))?;
            self.t(&title)?;
            self.s("</a></li>\n")?;
        }
        if self.r.framework.is_some() {
            self.s("<li><a href=\"#content-index\">")?;
            self.t(w.content_index)?;
            self.s("</a></li>\n")?;
        }
        self.s("</ol></div>\n")
    }

    fn section(&mut self, si: usize) -> io::Result<()> {
        let sec = &self.plan.sections[si];
        let (id, title) = (sec.id.clone(), sec.title.clone());
        write!(self.out, "<div class=\"section\" id=\"s-{}\">\n<h2>", escape(&id))?;
        self.t(&title)?;
        self.s("</h2>\n")?;
        let svgs: Vec<((String, u32), String)> = self.plan.sections[si]
            .charts
            .iter()
            .enumerate()
            .map(|(k, ch)| {
                let cid = format!("chart-{}-{}", id, k + 1);
                (charts::svg(ch, self.w, &cid), charts::alt_text(ch, self.w))
            })
            .collect();
        if !svgs.is_empty() {
            self.s("<div class=\"charts\">\n")?;
            for ((svg, height), alt) in svgs {
                self.charts += 1;
                write!(
                    self.out,
                    "<div class=\"chart\"><img id=\"chart-{}\" class=\"chart-img\" width=\"720\" height=\"{height}\" alt=\"",
                    self.charts
                )?;
                self.a(&alt)?;
                self.s("\" src=\"data:image/svg+xml;base64,")?;
                self.s(&base64(svg.as_bytes()))?;
                self.s("\"/></div>\n")?;
            }
            self.s("</div>\n")?;
        }
        let blocks = std::mem::take(&mut self.plan.sections[si].blocks);
        for b in &blocks {
            match b {
                Block::Table(t) => self.table(t)?,
                Block::Text(n) => self.narrative(n)?,
            }
        }
        let notes = self.plan.sections[si].notes.clone();
        self.sources(&notes)?;
        self.s("</div>\n")
    }

    fn table(&mut self, t: &Table) -> io::Result<()> {
        let w = self.w;
        self.s("<table class=\"kpi\">\n<thead><tr><th class=\"ind\">")?;
        self.t(w.indicator)?;
        self.s("</th><th class=\"unit\">")?;
        self.t(w.unit)?;
        self.s("</th>")?;
        for (k, c) in t.columns.iter().enumerate() {
            let class = if k == 0 { "num current" } else { "num" };
            write!(self.out, "<th class=\"{class}\">")?;
            self.t(&w.year(*c))?;
            self.s("</th>")?;
        }
        self.s("</tr></thead>\n<tbody>\n")?;
        for r in &t.rows {
            self.row(r, t.columns.len())?;
        }
        self.s("</tbody>\n</table>\n")
    }

    fn row(&mut self, r: &Row, columns: usize) -> io::Result<()> {
        let class = if r.heading { format!("d{} head", r.depth.min(6)) } else { format!("d{}", r.depth.min(6)) };
        write!(self.out, "<tr class=\"{class}\"><td class=\"ind\">")?;
        self.t(&r.label)?;
        self.s("</td><td class=\"unit\"")?;
        if !r.unit_title.is_empty() {
            self.s(" title=\"")?;
            self.a(&r.unit_title)?;
            self.s("\"")?;
        }
        self.s(">")?;
        self.t(&r.unit)?;
        self.s("</td>")?;
        for k in 0..columns {
            let class = if k == 0 { "num current" } else { "num" };
            write!(self.out, "<td class=\"{class}\">")?;
            if let Some(cell) = r.cells.get(k) {
                for (n, i) in cell.iter().enumerate() {
                    if n > 0 {
                        self.s("<br/>")?;
                    }
                    self.fact(*i, r.scale, false)?;
                    self.markers(*i)?;
                }
            }
            self.s("</td>")?;
        }
        self.s("</tr>\n")
    }

    /// A tagged fact: `ix:nonFraction` (or `ix:nonNumeric`), its displayed value, its omission.
    /// A negative figure's sign stands before the tag, where a reader expects it, and the tag
    /// holds the digits with `sign="-"`.
    fn fact(&mut self, i: usize, scale: i32, hidden: bool) -> io::Result<()> {
        let f: &Fact = &self.r.facts[i];
        if !f.numeric {
            return self.non_numeric(i, hidden);
        }
        let scale = if hidden { 0 } else { scale };
        let shown = match &f.value {
            FactValue::Number(n) => Some(display_number(*n, f.decimals, scale)),
            _ => None,
        };
        if shown.as_ref().is_some_and(|s| s.1) && !hidden {
            self.s("<span class=\"minus\">−</span>")?;
        }
        write!(
            self.out,
            "<ix:nonFraction name=\"{}\" contextRef=\"{}\" id=\"{}\"",
            f.concept,
            self.contexts[i],
            escape(&f.id)
        )?;
        if let Some(u) = &f.unit {
            write!(self.out, " unitRef=\"{}\"", escape(&u.id))?;
        }
        match (&f.value, shown) {
            (_, Some((text, negative))) => {
                let decimals = f.decimals.map_or("INF".to_string(), |d| d.to_string());
                write!(self.out, " decimals=\"{decimals}\" format=\"ixt:num-dot-decimal\"")?;
                if scale != 0 {
                    write!(self.out, " scale=\"{scale}\"")?;
                }
                if negative {
                    self.s(" sign=\"-\"")?;
                }
                write!(self.out, ">{text}</ix:nonFraction>")?;
                if scale == -2 {
                    self.s("<span class=\"pct\">%</span>")?;
                }
                Ok(())
            }
            (FactValue::Text(t), None) => {
                // A number the model keeps as text (never from esgx's mapper): as it is.
                self.s(">")?;
                self.t(t)?;
                self.s("</ix:nonFraction>")
            }
            _ => {
                self.s(" xsi:nil=\"true\"/>")?;
                self.omission(f, hidden)
            }
        }
    }

    /// What stands in for a figure not reported: the reason, in the reader's language.
    fn omission(&mut self, f: &Fact, hidden: bool) -> io::Result<()> {
        if hidden {
            return Ok(());
        }
        let reason = f.provenance.omission.as_ref().map_or(self.w.omitted, |o| self.w.reason(&o.reason));
        self.s("<span class=\"omitted\">")?;
        self.t(reason)?;
        self.s("</span>")
    }

    fn non_numeric(&mut self, i: usize, hidden: bool) -> io::Result<()> {
        let f: &Fact = &self.r.facts[i];
        let tag = format!(
            "<ix:nonNumeric name=\"{}\" contextRef=\"{}\" id=\"{}\"",
            f.concept,
            self.contexts[i],
            escape(&f.id)
        );
        self.s(&tag)?;
        if let Some(l) = &f.language {
            write!(self.out, " xml:lang=\"{}\"", escape(l))?;
        }
        let text = match &f.value {
            FactValue::Text(t) => t.clone(),
            FactValue::Number(n) => n.to_string(),
            FactValue::Nil => {
                self.s(" xsi:nil=\"true\"/>")?;
                return self.omission(f, hidden);
            }
        };
        let boolean = self.f.taxonomy.concept(&f.concept.local).is_some_and(|c| c.def.data_type == DataType::Boolean);
        if boolean && !hidden && matches!(text.as_str(), "true" | "false") {
            let (format, word) =
                if text == "true" { ("ixt:fixed-true", self.w.yes) } else { ("ixt:fixed-false", self.w.no) };
            write!(self.out, " format=\"{format}\">")?;
            self.t(word)?;
            return self.s("</ix:nonNumeric>");
        }
        // Paragraphs (split at blank lines) each in their own element, chained by continuations;
        // the blank line between them stays in the value, out of sight.
        let parts: Vec<&str> = if hidden { vec![text.as_str()] } else { text.split("\n\n").collect() };
        if parts.len() > 1 {
            write!(self.out, " continuedAt=\"{}-c1\"", escape(&f.id))?;
        }
        self.s(">")?;
        self.t(parts[0])?;
        self.s("</ix:nonNumeric>")?;
        for (k, part) in parts.iter().enumerate().skip(1) {
            write!(self.out, "</p>\n<p class=\"para\"><ix:continuation id=\"{}-c{k}\"", escape(&f.id))?;
            if k + 1 < parts.len() {
                write!(self.out, " continuedAt=\"{}-c{}\"", escape(&f.id), k + 1)?;
            }
            self.s("><span class=\"sep\">\n\n</span>")?;
            self.t(part)?;
            self.s("</ix:continuation>")?;
        }
        Ok(())
    }

    /// The numbered links from a figure to its notes.
    fn markers(&mut self, i: usize) -> io::Result<()> {
        let mut notes = self.plan.fact_notes[i].clone();
        for r in self.plan.repeats.get(&i).into_iter().flatten() {
            notes.extend(self.plan.fact_notes[*r].iter().filter(|n| !notes.contains(n)).copied().collect::<Vec<_>>());
        }
        if notes.is_empty() {
            return Ok(());
        }
        self.s("<sup class=\"ref\">")?;
        for (k, n) in notes.iter().enumerate() {
            let note = &self.plan.notes[*n];
            let link = format!("{}<a href=\"#{}\">{}</a>", if k > 0 { "," } else { "" }, note.id, note.number);
            self.s(&link)?;
        }
        self.s("</sup>")
    }

    fn narrative(&mut self, n: &plan::Narrative) -> io::Result<()> {
        let name = self.f.taxonomy.concepts[n.concept].name().to_string();
        write!(self.out, "<div class=\"disclosure\" id=\"c-{}\">\n<h3>", escape(&name))?;
        self.t(&n.label)?;
        self.s("</h3>\n")?;
        let periods: std::collections::BTreeSet<&Period> = n.facts.iter().map(|i| &self.r.facts[*i].period).collect();
        for i in &n.facts {
            let f = &self.r.facts[*i];
            let mut label = Vec::new();
            if periods.len() > 1 {
                label.push(self.w.year(plan::column_of(&f.period)));
            }
            for (axis, member) in f.dimensions.iter() {
                let tax = self.f.taxonomy;
                if let Some(m) = tax.axis(&axis.local).and_then(|a| tax.axes[a].member(&member.local).map(|m| (a, m))) {
                    let l = self.w.pick(&tax.axes[m.0].members[m.1].def.labels);
                    label.push(l.rsplit_once(" [").map_or(l, |x| x.0).to_string());
                }
            }
            if !label.is_empty() {
                self.s("<p class=\"fact-label\">")?;
                self.t(&label.join(" · "))?;
                self.s("</p>\n")?;
            }
            self.s("<p class=\"para\">")?;
            self.fact(*i, 0, false)?;
            self.markers(*i)?;
            self.s("</p>\n")?;
        }
        self.s("</div>\n")
    }

    fn sources(&mut self, notes: &[usize]) -> io::Result<()> {
        if notes.is_empty() {
            return Ok(());
        }
        self.s("<div class=\"sources\"><h3>")?;
        self.t(self.w.sources)?;
        self.s("</h3>\n")?;
        for n in notes {
            let (id, number, text) = {
                let note = &self.plan.notes[*n];
                (note.id.clone(), note.number, note.text.clone())
            };
            write!(
                self.out,
                "<p class=\"note\"><span class=\"num\">{number}</span> <ix:footnote id=\"{id}\" xml:lang=\"en\">"
            )?;
            self.t(&text)?;
            self.s("</ix:footnote></p>\n")?;
        }
        self.s("</div>\n")
    }

    /// The notes of the figures no table shows, so that every one is still traceable.
    fn hidden_sources(&mut self) -> io::Result<()> {
        if self.plan.hidden_notes.is_empty() {
            return Ok(());
        }
        self.s("<div class=\"section\" id=\"s-other\">\n<h2>")?;
        self.t(self.w.other_facts)?;
        self.s("</h2>\n")?;
        let notes = self.plan.hidden_notes.clone();
        self.sources(&notes)?;
        self.s("</div>\n")
    }

    /// Each requirement of the report's framework version: reported, explained or not, and where.
    fn content_index(&mut self) -> io::Result<()> {
        let Some(framework) = self.r.framework.clone() else { return Ok(()) };
        let (w, tax) = (self.w, self.f.taxonomy);
        let reporting = reporting_period(self.r);
        // Where each fact is: the section it is shown in.
        let mut section_of = vec![usize::MAX; self.r.facts.len()];
        for (si, facts) in self.section_facts().into_iter().enumerate() {
            for i in facts {
                section_of[i] = si;
            }
        }
        self.s("<div class=\"section\" id=\"content-index\">\n<h2>")?;
        self.t(w.content_index)?;
        self.s("</h2>\n<p>")?;
        self.t(w.content_index_intro)?;
        self.s("</p>\n<table class=\"index\">\n<thead><tr><th class=\"code\">")?;
        self.t(w.requirement)?;
        self.s("</th><th></th><th class=\"status\">")?;
        self.t(w.status)?;
        self.s("</th><th>")?;
        self.t(w.where_)?;
        self.s("</th></tr></thead>\n<tbody>\n")?;
        // The facts of the reporting period by concept, found in one pass (not one per requirement).
        let mut by_concept: foldhash::HashMap<&str, Vec<usize>> = Default::default();
        let report = self.r;
        for (i, f) in report.facts.iter().enumerate() {
            if f.period.belongs_to(reporting.as_ref()) {
                by_concept.entry(&*f.concept.local).or_default().push(i);
            }
        }
        for r in tax.requirements.iter().filter(|r| r.frameworks.contains(&framework)) {
            let mut facts: Vec<usize> =
                tax.requirement_concepts(&r.code).iter().filter_map(|c| by_concept.get(c)).flatten().copied().collect();
            facts.sort_unstable();
            let reported = facts.iter().any(|i| self.r.facts[*i].value != FactValue::Nil);
            let (class, status) = if reported {
                ("reported", w.reported)
            } else if !facts.is_empty() {
                ("explained", w.explained)
            } else {
                ("missing", w.missing)
            };
            let title = w.pick(&r.labels);
            let title = title.strip_prefix(r.code.as_str()).unwrap_or(title).trim();
            write!(self.out, "<tr class=\"{class}\"><td class=\"code\">")?;
            self.t(&r.code)?;
            self.s("</td><td>")?;
            self.t(title)?;
            write!(self.out, "</td><td class=\"status\"><span class=\"badge {class}\">")?;
            self.t(status)?;
            self.s("</span></td><td>")?;
            let mut seen = Vec::new();
            for i in &facts {
                let si = section_of[*i];
                if si == usize::MAX || seen.contains(&si) {
                    continue;
                }
                if !seen.is_empty() {
                    self.s(", ")?;
                }
                seen.push(si);
                write!(self.out, "<a href=\"#{}\">", escape(&self.r.facts[*i].id))?;
                let t = self.plan.sections[si].title.clone();
                self.t(&t)?;
                self.s("</a>")?;
            }
            self.s("</td></tr>\n")?;
        }
        self.s("</tbody>\n</table>\n</div>\n")
    }

    /// The facts each section shows (its blocks were written and taken; its notes remain).
    fn section_facts(&self) -> Vec<Vec<usize>> {
        self.plan.sections.iter().map(|s| s.facts.clone()).collect()
    }
}

/// The report's reporting period, or, for a filing that names none, its latest duration.
fn reporting_period(r: &Report) -> Option<Period> {
    r.reporting_period.clone().or_else(|| {
        r.facts
            .iter()
            .filter(|f| matches!(f.period, Period::Duration { .. }))
            .map(|f| &f.period)
            .max_by_key(|p| match p {
                Period::Duration { end, start } => (*end, std::cmp::Reverse(*start)),
                Period::Instant(d) => (*d, std::cmp::Reverse(*d)),
            })
            .cloned()
    })
}

/// Standard base64 (RFC 4648, with padding), for the charts' data URLs.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for c in bytes.chunks(3) {
        let n = (c[0] as u32) << 16 | (*c.get(1).unwrap_or(&0) as u32) << 8 | *c.get(2).unwrap_or(&0) as u32;
        for k in 0..4 {
            if k <= c.len() {
                out.push(A[(n >> (18 - 6 * k) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

const CSS: &str = include_str!("page.css");

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_the_rfc_examples() {
        for (plain, coded) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")] {
            assert_eq!(super::base64(plain.as_bytes()), coded);
        }
    }
}
