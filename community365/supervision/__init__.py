"""The party-building responsibility system (党建责任制): special talks (专项约谈), analyses (专题分析), supervision notices (督查通报) with replies, and the year-end assessment (量化考评 with 述职评议)."""
