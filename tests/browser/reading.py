"""What a person reads on the summary page, measured in the browser: shared by the browser
tests and benchmarks/summary_measure.py so both count words the same way."""

# Words a person meets on the page before the key points list: every rendered text node (and
# the private link field's value) that comes before #key-points in document order.
WORDS_BEFORE = """() => {
  const list = document.getElementById('key-points');
  const count = (text) => text.split(/\\s+/).filter((w) => /[\\p{L}\\p{N}]/u.test(w)).length;
  let words = 0;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    if (!(list.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_PRECEDING)) break;
    if (node.parentElement.checkVisibility()) words += count(node.textContent);
  }
  for (const input of document.querySelectorAll('input[type=text]')) {
    if (list.compareDocumentPosition(input) & Node.DOCUMENT_POSITION_PRECEDING) words += count(input.value);
  }
  return words;
}"""
KEY_POINTS = """() => [...document.querySelectorAll('#key-points > li')].map((li) => ({
  href: li.querySelector('a') && li.querySelector('a').getAttribute('href'),
  text: li.innerText.trim(),
}))"""
ORDER = """() => {
  const list = document.getElementById('key-points');
  const first = document.querySelector('section.info-section');
  return Boolean(list.compareDocumentPosition(first) & Node.DOCUMENT_POSITION_FOLLOWING);
}"""
