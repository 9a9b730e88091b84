/*
 * Reading Query-protocol answers with libxml2.  Paths ignore namespaces
 * (IAM and STS answers carry one each) and never follow DTDs or the
 * network.
 */
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "driftwatch/aws.h"
#include "driftwatch/error.h"

int
aws_xml_parse(const char *buf, size_t len, xmlDoc **out)
{
	xmlDoc	*doc;

	*out = NULL;
	if (len > (size_t)0x7fffffff)
		return DW_ETOOBIG;
	doc = xmlReadMemory(buf, (int)len, "response.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
	    XML_PARSE_NOWARNING);
	if (doc == NULL)
		return DW_EPARSE;
	if (xmlDocGetRootElement(doc) == NULL || doc->intSubset != NULL) {
		/* AWS never sends a DTD: refuse entity games outright */
		xmlFreeDoc(doc);
		return DW_EPARSE;
	}
	*out = doc;
	return 0;
}

static xmlNode *
aws_xml_child(xmlNode *n, const char *name, size_t len)
{
	xmlNode	*c;

	for (c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strlen((const char *)c->name) == len &&
		    strncmp((const char *)c->name, name, len) == 0)
			return c;
	}
	return NULL;
}

xmlNode *
aws_xml_find(xmlNode *n, const char *path)
{
	const char	*p = path, *slash;
	size_t		 len;

	while (n != NULL && *p != '\0') {
		slash = strchr(p, '/');
		len = slash != NULL ? (size_t)(slash - p) : strlen(p);
		n = aws_xml_child(n, p, len);
		p += len;
		if (*p == '/')
			p++;
	}
	return n;
}

xmlNode *
aws_xml_next(xmlNode *n)
{
	xmlNode	*c;

	for (c = n->next; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    strcmp((const char *)c->name, (const char *)n->name) == 0)
			return c;
	return NULL;
}

char *
aws_xml_text(xmlNode *n, const char *path)
{
	xmlNode	*c;

	if (n == NULL || (c = aws_xml_find(n, path)) == NULL)
		return NULL;
	return (char *)xmlNodeGetContent(c);
}

/* Finds <Error><Code> and <Message> anywhere AWS puts them. */
static xmlNode *
aws_xml_error_node(xmlNode *n)
{
	xmlNode	*c, *found;

	for (c = n; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (strcmp((const char *)c->name, "Error") == 0)
			return c;
		if ((found = aws_xml_error_node(c->children)) != NULL)
			return found;
	}
	return NULL;
}

int
aws_xml_error(xmlDoc *doc, char **code, char **message)
{
	xmlNode	*err;

	*code = *message = NULL;
	err = aws_xml_error_node(xmlDocGetRootElement(doc));
	if (err == NULL || (*code = aws_xml_text(err, "Code")) == NULL)
		return DW_ENOTFOUND;
	*message = aws_xml_text(err, "Message");
	return 0;
}
