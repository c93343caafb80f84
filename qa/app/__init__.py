"""The browser app: layout and events (`ui`), session state and form checks (`forms`), HTML/Markdown (`rendering`), serving (`serve`), styles and scripts (`static/`)."""
