//! What the page says in each language it is written in, and numbers as each language's readers
//! expect them. Chinese readers in Hong Kong and the mainland read figures in data tables as
//! English readers do (1,397.96: comma thousands, dot decimals), so one transformation format
//! (`ixt:num-dot-decimal`) serves all three; the words, dates and scale names differ.

use crate::taxonomy::source::Labels;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// The page's fixed words in one language.
pub struct Words {
    pub lang: &'static str,
    pub title: &'static str,
    pub subtitle: &'static str,
    pub entity: &'static str,
    pub period: &'static str,
    pub framework: &'static str,
    pub taxonomy: &'static str,
    pub generator: &'static str,
    pub contents: &'static str,
    pub indicator: &'static str,
    pub unit: &'static str,
    pub sources: &'static str,
    pub content_index: &'static str,
    pub content_index_intro: &'static str,
    pub requirement: &'static str,
    pub status: &'static str,
    pub where_: &'static str,
    pub reported: &'static str,
    pub explained: &'static str,
    pub missing: &'static str,
    pub not_applicable: &'static str,
    pub not_disclosed: &'static str,
    pub not_available: &'static str,
    pub omitted: &'static str,
    pub by: &'static str,
    pub other_facts: &'static str,
    pub thousand: &'static str,
    pub million: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub about: &'static str,
    pub unofficial: &'static str,
    pub year_suffix: &'static str,
    pub from: &'static str,
    pub to: &'static str,
}

pub static EN: Words = Words {
    lang: "en",
    title: "Environmental, Social and Governance Data Report",
    subtitle: "Key performance indicators and disclosures, tagged in Inline XBRL",
    entity: "Entity",
    period: "Reporting period",
    framework: "Framework",
    taxonomy: "Taxonomy",
    generator: "Prepared with",
    contents: "Contents",
    indicator: "Indicator",
    unit: "Unit",
    sources: "Sources",
    content_index: "Content index",
    content_index_intro: "Each disclosure requirement of the framework, and where this report answers it.",
    requirement: "Requirement",
    status: "Status",
    where_: "Where",
    reported: "Reported",
    explained: "Explained",
    missing: "Not reported",
    not_applicable: "Not applicable",
    not_disclosed: "Not disclosed",
    not_available: "Not available",
    omitted: "Omitted",
    by: "By",
    other_facts: "Other figures",
    thousand: "thousand",
    million: "million",
    yes: "Yes",
    no: "No",
    about: "Every figure on this page is tagged in Inline XBRL and numbered to its source below its section.",
    unofficial: "esgx taxonomy (unofficial; not published or endorsed by HKEX)",
    year_suffix: "",
    from: "from",
    to: "to",
};

pub static ZH_HANT: Words = Words {
    lang: "zh-Hant",
    title: "環境、社會及管治數據報告",
    subtitle: "關鍵績效指標及披露，以行內XBRL標記",
    entity: "實體",
    period: "報告期間",
    framework: "框架",
    taxonomy: "分類標準",
    generator: "編製工具",
    contents: "目錄",
    indicator: "指標",
    unit: "單位",
    sources: "資料來源",
    content_index: "內容索引",
    content_index_intro: "框架的每項披露要求，以及本報告回應之處。",
    requirement: "要求",
    status: "狀態",
    where_: "位置",
    reported: "已匯報",
    explained: "已解釋",
    missing: "未匯報",
    not_applicable: "不適用",
    not_disclosed: "未披露",
    not_available: "未能提供",
    omitted: "省略",
    by: "按",
    other_facts: "其他數據",
    thousand: "千",
    million: "百萬",
    yes: "是",
    no: "否",
    about: "本頁每項數據均以行內XBRL標記，並於所屬章節末按編號註明資料來源。",
    unofficial: "esgx分類標準（非官方；並非由香港交易所發布或認可）",
    year_suffix: "年",
    from: "由",
    to: "至",
};

pub static ZH_HANS: Words = Words {
    lang: "zh-Hans",
    title: "环境、社会及管治数据报告",
    subtitle: "关键绩效指标及披露，以行内XBRL标记",
    entity: "实体",
    period: "报告期间",
    framework: "框架",
    taxonomy: "分类标准",
    generator: "编制工具",
    contents: "目录",
    indicator: "指标",
    unit: "单位",
    sources: "资料来源",
    content_index: "内容索引",
    content_index_intro: "框架的每项披露要求，以及本报告回应之处。",
    requirement: "要求",
    status: "状态",
    where_: "位置",
    reported: "已汇报",
    explained: "已解释",
    missing: "未汇报",
    not_applicable: "不适用",
    not_disclosed: "未披露",
    not_available: "未能提供",
    omitted: "省略",
    by: "按",
    other_facts: "其他数据",
    thousand: "千",
    million: "百万",
    yes: "是",
    no: "否",
    about: "本页每项数据均以行内XBRL标记，并于所属章节末按编号注明资料来源。",
    unofficial: "esgx分类标准（非官方；并非由香港交易所发布或认可）",
    year_suffix: "年",
    from: "由",
    to: "至",
};

/// The words of a language esgx writes pages in; English for any other.
pub fn words(lang: &str) -> &'static Words {
    match lang {
        "zh-Hant" => &ZH_HANT,
        "zh-Hans" => &ZH_HANS,
        _ => &EN,
    }
}

impl Words {
    /// A taxonomy label in this language, English when it has none.
    pub fn pick<'a>(&self, labels: &'a Labels) -> &'a str {
        let t = match self.lang {
            "zh-Hant" => labels.zh_hant.as_deref(),
            "zh-Hans" => labels.zh_hans.as_deref(),
            _ => None,
        };
        t.unwrap_or(&labels.en)
    }

    /// A date as its readers write it: 31 December 2023, 2023年12月31日.
    pub fn date(&self, d: NaiveDate) -> String {
        if self.lang == "en" { d.format("%-d %B %Y").to_string() } else { d.format("%Y年%-m月%-d日").to_string() }
    }

    /// A period of dates: 1 January 2023 to 31 December 2023, 由2023年1月1日至2023年12月31日.
    pub fn span(&self, start: NaiveDate, end: NaiveDate) -> String {
        if self.lang == "en" {
            format!("{} {} {}", self.date(start), self.to, self.date(end))
        } else {
            format!("{}{}{}{}", self.from, self.date(start), self.to, self.date(end))
        }
    }

    /// A column heading for the year ending on `d`.
    pub fn year(&self, d: NaiveDate) -> String {
        format!("{}{}", d.format("%Y"), self.year_suffix)
    }

    /// The label of an omission reason (`not-applicable` ...).
    pub fn reason(&self, reason: &str) -> &'static str {
        match reason {
            "not-applicable" => self.not_applicable,
            "not-disclosed" => self.not_disclosed,
            "not-available" => self.not_available,
            _ => self.omitted,
        }
    }

    /// The name of a display scale (3: thousands, 6: millions).
    pub fn scale_name(&self, scale: i32) -> Option<&'static str> {
        match scale {
            3 => Some(self.thousand),
            6 => Some(self.million),
            _ => None,
        }
    }
}

/// A value as displayed: `value / 10^scale`, its magnitude with comma thousands and dot decimals
/// (at least `decimals + scale` fraction digits, and never fewer than it needs to stay exact),
/// and whether it is negative (the sign is written outside the tag, as `sign="-"` says).
pub fn display_number(value: Decimal, decimals: Option<i32>, scale: i32) -> (String, bool) {
    let negative = value.is_sign_negative() && !value.is_zero();
    let mut v = value.abs();
    if scale > 0 {
        v.set_scale(v.scale() + scale as u32).expect("a display scale of 3 or 6 keeps within 28 digits");
    } else if scale < 0 {
        v *= Decimal::from(10i64.pow((-scale) as u32));
    }
    let wanted = decimals.map_or(0, |d| (d + scale).max(0)) as u32;
    let mut v = v.normalize();
    if v.scale() < wanted {
        v.rescale(wanted);
    }
    let text = v.to_string();
    let (int, frac) = text.split_once('.').map_or((text.as_str(), None), |(i, f)| (i, Some(f)));
    let mut out = String::with_capacity(text.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    (out, negative)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn numbers_display_exactly_with_thousands_and_scale() {
        assert_eq!(display_number(d("1397.96"), Some(2), 0), ("1,397.96".into(), false));
        assert_eq!(display_number(d("3121"), Some(0), 0), ("3,121".into(), false));
        assert_eq!(display_number(d("0.20"), Some(2), -2), ("20".into(), false));
        assert_eq!(display_number(d("0.341"), Some(3), -2), ("34.1".into(), false));
        assert_eq!(display_number(d("162100000000"), Some(-8), 6), ("162,100".into(), false));
        assert_eq!(display_number(d("-12.5"), Some(1), 0), ("12.5".into(), true));
        assert_eq!(display_number(d("0"), Some(0), 0), ("0".into(), false));
        assert_eq!(display_number(d("1.50"), Some(2), 0), ("1.50".into(), false));
        // A value more precise than its decimals keeps its digits: the tag must carry it exactly.
        assert_eq!(display_number(d("1234.5"), Some(-3), 3), ("1.2345".into(), false));
        assert_eq!(display_number(d("5"), None, 0), ("5".into(), false));
    }

    #[test]
    fn dates_and_years_in_each_language() {
        let day = NaiveDate::from_ymd_opt(2023, 12, 31).unwrap();
        assert_eq!(EN.date(day), "31 December 2023");
        assert_eq!(ZH_HANT.date(day), "2023年12月31日");
        assert_eq!(ZH_HANS.year(day), "2023年");
        assert_eq!(words("fr").lang, "en");
    }
}
