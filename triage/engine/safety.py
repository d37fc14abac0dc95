"""The two sections every summary carries, whatever the data says.

The engine adds them itself: `rules.builtin_section` builds a section from the rows below as
from any other row (their slugs are in slugs.py, with every slug the code names). Their
text normally comes from the database like any other section, so editors can improve it, but
if a row is deleted or switched off the built-in text below is shown instead. Nothing an admin
does can make a summary appear without them. The text is the shipped fixture's
(tests/test_content.py keeps the two the same).
"""

from __future__ import annotations

from triage.engine.slugs import APPROVED_PROTOCOLS, NOT_MEDICAL_ADVICE

BUILTIN: dict[str, dict] = {
    NOT_MEDICAL_ADVICE: {
        "title": "This is information, not medical advice",
        "summary": "This tool shares what is known, but it cannot tell if any treatment is right for a person.",
        "body": "This tool gives general facts about stem-cell treatments for autoimmune conditions. It picks the pages to show from your answers.\n\n### What this tool does\n- It explains what stem-cell treatments are and how they work.\n- It sums up what studies and expert groups say about your condition.\n- It shows how to check a clinical trial and how to spot an unsafe offer.\n\n### What this tool cannot do\n- It does not know your health history, your test results or your medicines.\n- Nobody has examined you. No doctor has read your answers.\n- It cannot say if a treatment is safe for you or likely to help you.\n- It is not for urgent problems. If you feel very unwell, a doctor or your local emergency number can help.\n\n### How this summary can be used\nThe pages can help you get ready to talk with your own specialist team. That is the hospital doctors and nurses who look after your condition. Some people print the summary, write their questions on it and take it to their next visit.\n\nNothing here is, on its own, a reason to start, stop or change a treatment. Those choices belong to you and your team together. They know things about you that this tool cannot know.\n\nEach page shows when it was last checked and when it will be checked again. Medical knowledge changes, so newer facts may exist.\n",
        "indicator": "warning",
        "sources": (
            {
                "label": "Jessop H et al. General information for patients and carers considering haematopoietic stem cell transplantation (HSCT) for severe autoimmune diseases: a position statement from the EBMT Autoimmune Diseases Working Party (ADWP), the EBMT Nurses Group, the EBMT Patient, Family and Donor Committee and the Joint Accreditation Committee of ISCT and EBMT (JACIE). Bone Marrow Transplantation 2019",
                "url": "https://doi.org/10.1038/s41409-019-0430-7",
                "year": 2019,
            },
            {
                "label": "International Society for Stem Cell Research (ISSCR), A Closer Look at Stem Cells. The truth about stem cell 'treatments'",
                "url": "https://www.closerlookatstemcells.org/patient-resources/truth-about-stem-cell-treatments/",
                "year": None,
            },
        ),
    },
    APPROVED_PROTOCOLS: {
        "title": "Stem-cell treatment only through approved routes",
        "summary": "In 2019 experts said stem-cell transplants should be done only at a checked centre or in a registered trial.",
        "body": 'Stem-cell transplants for autoimmune conditions are complex and can be dangerous. In 2019 the European Society for Blood and Marrow Transplantation (<abbr title="European Society for Blood and Marrow Transplantation">EBMT</abbr>) and other expert groups said they belong only in these places:\n\n- **An approved treatment plan (protocol).** A protocol is a written plan. It says who can have the treatment, how it is given and how people are looked after for years afterwards.\n- **An accredited transplant centre.** In Europe, centres are checked by the Joint Accreditation Committee (<abbr title="Joint Accreditation Committee of ISCT and EBMT">JACIE</abbr>). In North and South America, they are checked by the Foundation for the Accreditation of Cellular Therapy (<abbr title="Foundation for the Accreditation of Cellular Therapy">FACT</abbr>). Accredited means an outside body has checked the staff, the rooms and the safety steps.\n- **A registered clinical trial with ethics approval.** Ethics approval means an independent group has checked the study to protect the people who take part.\n\n### Why the centre\'s experience matters\n- **Europe:** an EBMT study looked at about 2,000 people who had their own stem cells given back for an autoimmune disease between 1994 and 2015. Their disease was more likely to stay under control at busier centres and at centres with JACIE accreditation (Snowden, 2017).\n- **The Americas:** a study by the Center for International Blood and Marrow Transplant Research (<abbr title="Center for International Blood and Marrow Transplant Research">CIBMTR</abbr>) looked at 368 people treated between 1996 and 2009. The risk of dying was about 3 to 4 times higher at centres that had done 15 or fewer of these transplants than at busier centres (Pasquini, 2012). The study was small, so the true gap could be bigger or smaller.\n\n### Talking it through\nIn 2019 the EBMT said that transplant doctors and the specialists in the person\'s own disease should decide together with the patient. They share the follow-up for many years. You may want to ask your specialist team which of these routes exist for your condition.\n',
        "indicator": "warning",
        "sources": (
            {
                "label": "Jessop H et al. General information for patients and carers considering haematopoietic stem cell transplantation (HSCT) for severe autoimmune diseases: a position statement from the EBMT Autoimmune Diseases Working Party (ADWP), the EBMT Nurses Group, the EBMT Patient, Family and Donor Committee and the Joint Accreditation Committee of ISCT and EBMT (JACIE). Bone Marrow Transplantation 2019",
                "url": "https://doi.org/10.1038/s41409-019-0430-7",
                "year": 2019,
            },
            {
                "label": "Snowden JA et al. Evolution, trends, outcomes, and economics of hematopoietic stem cell transplantation in severe autoimmune diseases. Blood Advances 2017;1(27):2742",
                "url": "https://ashpublications.org/bloodadvances/article/1/27/2742/15827/Evolution-trends-outcomes-and-economics-of",
                "year": 2017,
            },
            {
                "label": "Pasquini MC et al. Transplantation for autoimmune diseases in North and South America: a report of the Center for International Blood and Marrow Transplant Research. Biology of Blood and Marrow Transplantation 2012",
                "url": "https://pmc.ncbi.nlm.nih.gov/articles/PMC3950896",
                "year": 2012,
            },
            {
                "label": "EBMT. JACIE accreditation",
                "url": "https://www.ebmt.org/jacie-accreditation",
            },
        ),
    },
}
