"""Write src/captionsearch/rule_tokenizer.json from the installed spaCy (after upgrading spaCy).

    python scripts/tokenizer_rules.py
"""

from __future__ import annotations

import json

from captionsearch import nlp, rule_tokenizer

if __name__ == "__main__":
    rules = nlp.tokenizer_rules()
    rule_tokenizer.RULES_FILE.write_text(json.dumps(rules, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {rule_tokenizer.RULES_FILE} (spaCy {rules['spacy']}, {len(rules['special_cases'])} special cases)")
