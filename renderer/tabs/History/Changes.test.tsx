import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Section, SECTION_ROWS } from './Changes.js';

describe('a list of what changed', () => {
  const render = (n: number) =>
    renderToStaticMarkup(
      <Section
        title="New remote hosts"
        kind="new"
        items={Array.from({ length: n }, (_, i) => `10.0.${i >> 8}.${i & 255}`)}
        headers={['Address']}
        row={(a) => (
          <tr key={a} className="hl-new">
            <td>{a}</td>
          </tr>
        )}
      />,
    );
  const rows = (html: string) => html.match(/<tr class="hl-new">/g)?.length ?? 0;

  it('shows its first rows of a full answer, says how many more there are, and a button shows them', () => {
    // A full list (20,000 rows, the most an answer lists): main rendered every one.
    const html = render(20_000);
    expect(rows(html)).toBe(SECTION_ROWS);
    expect(html).toContain('(20,000)');
    expect(html).toContain('19,900 more not shown (the first 100 of 20,000).');
    expect(html).toMatch(/<button type="button">Show 100 more<\/button>/);
    // The same rendering work for a list 10 x as long (ratio of rows rendered: 1 here; 10 on main).
    expect(rows(render(2000)) / rows(html)).toBe(1);
  });

  it('shows a short list whole, with no button', () => {
    const html = render(SECTION_ROWS);
    expect(rows(html)).toBe(SECTION_ROWS);
    expect(html).not.toContain('<button');
    expect(render(0)).toContain('None.');
  });
});
