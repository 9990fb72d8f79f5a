//! SVG uptime badges (`/badge/SERVICE.svg`): the 30-day uptime, coloured by how
//! good it is; grey with "no data" before any sample.

use input::lang::Lang;

use super::snapshot::ServiceView;

pub fn render(service: Option<&ServiceView>, lang: Lang) -> String {
    let label = lang.pick("ketersediaan 30h", "uptime 30d");
    let ratio = service
        .and_then(|service| service.uptime.iter().find(|u| u.window == "30d"))
        .and_then(|uptime| uptime.ratio);
    let (value, colour) = match ratio {
        Some(ratio) => {
            let text = format!("{:.2}%", ratio * 100.0);
            let text = if lang == Lang::Id {
                text.replace('.', ",")
            } else {
                text
            };
            let colour = if ratio >= 0.999 {
                "#17803d"
            } else if ratio >= 0.99 {
                "#4d7c0f"
            } else if ratio >= 0.95 {
                "#a15c00"
            } else {
                "#b42318"
            };
            (text, colour)
        }
        None => (lang.pick("tanpa data", "no data").to_string(), "#5c6670"),
    };
    // About 6.5 px per character at 11 px.
    let label_width = 10 + label.chars().count() as u32 * 13 / 2;
    let value_width = 10 + value.chars().count() as u32 * 13 / 2;
    let width = label_width + value_width;
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" aria-label="{label}: {value}"><title>{label}: {value}</title><rect width="{label_width}" height="20" fill="#555"/><rect x="{label_width}" width="{value_width}" height="20" fill="{colour}"/><g fill="#fff" font-family="DejaVu Sans,Verdana,sans-serif" font-size="11" text-anchor="middle"><text x="{lx}" y="14">{label}</text><text x="{vx}" y="14">{value}</text></g></svg>"##,
        lx = label_width / 2,
        vx = label_width + value_width / 2,
    )
}
